package io.hvl9p.daemon;

import io.hvl9p.daemon.runtime.ControlSocket;
import io.hvl9p.daemon.runtime.RuntimeHost;
import io.hvl9p.daemon.runtime.RuntimeSpec;
import io.hvl9p.exports.policy.ExportPolicy;
import io.hvl9p.server.Server;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.net.ListenAddress;
import io.hvl9p.server.net.SocketListener;
import io.hvl9p.server.spi.Backend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hvl9p serve}: 9P2000.L over TCP and Unix sockets for the exports given. */
@Command(
        name = "serve",
        description = {
            "Serve directories over 9P2000.L to auxiliary runtimes through shared memory",
            "(hypervisor-less virtio: a virtio-9p device per export and a console) and",
            "on TCP and Unix-domain sockets.",
            "A socket client selects an export by NAME with its aname (an empty aname",
            "selects the only export, when there is one); a runtime's 9p device reaches",
            "only its own export. Host paths are never named by clients.",
            "Runs until SIGINT/SIGTERM, then closes every connection and removes its pools."
        },
        sortOptions = false,
        mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", paramLabel = "ADDR", description = "tcp:HOST:PORT or unix:PATH (repeatable)")
    List<String> listen = new ArrayList<>();

    @Option(
            names = "--export",
            paramLabel = "NAME=PATH[,ro][,dev]",
            description = {
                "a directory to serve under NAME (repeatable); ',ro' makes it",
                "read-only; ',dev' lets clients create device nodes (Tmknod of",
                "character/block devices; refused by default)"
            })
    List<String> exports = new ArrayList<>();

    @Option(
            names = "--max-msize",
            paramLabel = "BYTES",
            description = "largest msize offered (default ${DEFAULT-VALUE})")
    int maxMsize = ServerConfig.DEFAULT_MAX_MSIZE;

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "threads that run requests (default: 4 per core, at least 8)")
    Integer workers;

    @Option(
            names = "--no-inline",
            description = "always hand requests to a worker (no idle fast path; for measurements)")
    boolean noInline;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = {
                "the whole daemon from one configuration file (runtimes, exports and their",
                "policies, listeners); replaces --listen, --export and --runtime.",
                "Check it first with 'hvl9p config check FILE'"
            })
    Path config;

    @Option(
            names = "--control",
            paramLabel = "PATH",
            description = "a Unix socket for 'hvl9p ctl' (status, reset RUNTIME)")
    Path control;

    @Option(names = "--trace", description = "log every decoded message, one line each, to standard error")
    boolean trace;

    @CommandLine.ArgGroup(
            exclusive = false,
            multiplicity = "0..*",
            heading = "%nAuxiliary runtimes (each --runtime starts one; repeatable):%n")
    List<RuntimeArgs> runtimes = new ArrayList<>();

    /** For tests: the runtimes once started. */
    static volatile List<RuntimeHost> startedRuntimes;

    /** What SIGHUP runs while {@code serve --config} runs (for tests, callable directly). */
    static volatile Runnable reload;

    /** For tests: counted down once every listener is up. */
    static volatile CountDownLatch started;

    /** For tests: set to stop a running serve. */
    static volatile CountDownLatch stop;

    record ExportArg(String name, Path path, boolean readOnly, boolean deviceNodes) {
        /** The export as a policy: read-only and device nodes from the flags, nothing squashed or denied. */
        ExportPolicy policy() {
            return new ExportPolicy(
                    name,
                    path,
                    readOnly,
                    ExportPolicy.Squash.NONE,
                    ExportPolicy.NOBODY,
                    ExportPolicy.NOBODY,
                    Map.of(),
                    Map.of(),
                    List.of(),
                    deviceNodes,
                    0);
        }

        /**
         * Opens the export: the Linux backend under the policy decorator, which enforces read-only
         * (EROFS for every mutating request) and device-node creation the same on every transport.
         */
        Backend open() {
            return ConfigServe.open(policy());
        }

        static ExportArg parse(String s) {
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw new IllegalArgumentException("--export '" + s + "' (expected: NAME=PATH or NAME=PATH,ro)");
            }
            String name = s.substring(0, eq);
            String path = s.substring(eq + 1);
            boolean ro = false;
            boolean dev = false;
            for (boolean more = true; more; ) {
                more = false;
                if (path.endsWith(",ro")) {
                    ro = true;
                    path = path.substring(0, path.length() - 3);
                    more = true;
                } else if (path.endsWith(",rw")) {
                    path = path.substring(0, path.length() - 3);
                    more = true;
                } else if (path.endsWith(",dev")) {
                    dev = true;
                    path = path.substring(0, path.length() - 4);
                    more = true;
                }
            }
            Path p = Path.of(path);
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException("--export " + name + ": " + path + " is not a directory");
            }
            return new ExportArg(name, p, ro, dev);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        List<ListenAddress> addresses = new ArrayList<>();
        Map<String, ExportArg> parsed = new LinkedHashMap<>();
        List<RuntimeSpec> runtimeSpecs = new ArrayList<>();
        if (config != null) {
            if (!listen.isEmpty() || !exports.isEmpty() || !runtimes.isEmpty()) {
                err.println("hvl9p serve: --config describes everything (expected: no --listen, --export or --runtime"
                        + " with it)");
                return 2;
            }
            return serveConfig(out, err);
        }
        try {
            if (listen.isEmpty() && runtimes.isEmpty()) {
                throw new IllegalArgumentException(
                        "nothing to serve (expected: --listen ADDR and/or --runtime NAME with its devices)");
            }
            if (exports.isEmpty()) {
                throw new IllegalArgumentException("no --export (expected: at least one NAME=PATH)");
            }
            for (String l : listen) {
                addresses.add(SocketListener.parse(l));
            }
            for (String e : exports) {
                ExportArg a = ExportArg.parse(e);
                if (parsed.putIfAbsent(a.name(), a) != null) {
                    throw new IllegalArgumentException("--export " + a.name() + " given twice");
                }
            }
            Set<String> names = new HashSet<>();
            Map<String, String> pools = new HashMap<>();
            Map<String, String> doorbells = new HashMap<>();
            for (RuntimeArgs r : runtimes) {
                RuntimeSpec rs = r.toSpec();
                if (!names.add(rs.name())) {
                    throw new IllegalArgumentException("--runtime " + rs.name() + " given twice");
                }
                // A pool or a doorbell belongs to exactly one runtime: the second would replace the
                // first's /dev/shm file or FIFOs, and its runtime would attach to the wrong pool.
                String poolOwner = pools.putIfAbsent(rs.backing(), rs.name());
                if (poolOwner != null) {
                    throw new IllegalArgumentException("--runtime " + rs.name() + ": pool " + rs.backing()
                            + " is already runtime " + poolOwner + "'s (expected: one pool per runtime)");
                }
                String bell = canonicalDoorbell(rs.doorbell());
                String bellOwner = bell.startsWith("poll") ? null : doorbells.putIfAbsent(bell, rs.name());
                if (bellOwner != null) {
                    throw new IllegalArgumentException("--runtime " + rs.name() + ": doorbell " + rs.doorbell()
                            + " is already runtime " + bellOwner + "'s (expected: one doorbell per runtime)");
                }
                for (RuntimeSpec.NinePSpec n : rs.ninep()) {
                    if (!parsed.containsKey(n.export())) {
                        throw new IllegalArgumentException("--runtime " + rs.name() + ": --9p " + n.export()
                                + " names no export (expected one of: " + String.join(", ", parsed.keySet()) + ")");
                    }
                }
                runtimeSpecs.add(rs);
            }
        } catch (IllegalArgumentException e) {
            err.println("hvl9p serve: " + e.getMessage());
            return 2;
        }
        ServerConfig.Builder b = ServerConfig.builder();
        try {
            b.maxMsize(maxMsize);
            b.inlineWhenIdle(!noInline);
            if (workers != null) {
                b.workers(workers);
            }
        } catch (IllegalArgumentException e) {
            err.println("hvl9p serve: " + e.getMessage());
            return 2;
        }
        List<Backend> opened = new ArrayList<>();
        try {
            for (ExportArg a : parsed.values()) {
                Backend be = a.open();
                opened.add(be);
                b.export(a.name(), be);
            }
        } catch (IllegalArgumentException e) {
            opened.forEach(Backend::close);
            err.println("hvl9p serve: " + e.getMessage());
            return 2;
        }
        if (trace) {
            b.trace(err::println); // one line per call: PrintWriter.println holds its lock for both
        }
        Server server = Server.start(b.build());
        List<SocketListener> listeners = new ArrayList<>();
        List<RuntimeHost> hosts = new ArrayList<>();
        try {
            for (ListenAddress a : addresses) {
                listeners.add(SocketListener.start(server, a));
            }
            for (RuntimeSpec rs : runtimeSpecs) {
                hosts.add(RuntimeHost.start(
                        rs,
                        name -> {
                            return parsed.get(name).open();
                        },
                        who -> deviceServer(who, err),
                        line -> {
                            out.println(line);
                            out.flush();
                        }));
            }
        } catch (IOException | RuntimeException e) {
            // whatever failed, the runtimes already started are stopped and their pools and FIFOs removed
            shutdown(listeners, server, hosts);
            err.println("hvl9p serve: " + e.getMessage());
            return 1;
        }
        List<String> banner = new ArrayList<>();
        for (SocketListener l : listeners) {
            banner.add("listening on " + l.address());
        }
        for (ExportArg a : parsed.values()) {
            banner.add("export " + a.name() + " = " + a.path().toAbsolutePath() + (a.readOnly() ? " (read-only)" : ""));
        }
        for (RuntimeHost h : hosts) {
            banner.addAll(h.describe());
        }
        return serveUntilStopped(hosts, () -> shutdown(listeners, server, hosts), banner, out, err);
    }

    /**
     * Serves until SIGINT/SIGTERM (or a test's {@link #stop}): opens the control socket if asked,
     * prints {@code banner}, then waits. {@code closeAll} runs once, from the shutdown hook or on
     * the way out; it also runs if the control socket cannot be opened (status 1).
     */
    private int serveUntilStopped(
            List<RuntimeHost> hosts, Runnable closeAll, List<String> banner, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        startedRuntimes = List.copyOf(hosts);
        ControlSocket ctl = null;
        if (control != null) {
            Map<String, RuntimeHost> byName = new LinkedHashMap<>();
            for (RuntimeHost h : hosts) {
                byName.put(h.spec().name(), h);
            }
            try {
                ctl = ControlSocket.listen(control, byName);
            } catch (IOException e) {
                closeAll.run();
                err.println("hvl9p serve: " + e.getMessage());
                return 1;
            }
        }
        final ControlSocket c = ctl;
        Runnable stopAll = () -> {
            if (c != null) {
                c.close();
            }
            closeAll.run();
        };
        CountDownLatch done = stop != null ? stop : new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopAll.run();
            done.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        for (String line : banner) {
            out.println("hvl9p: " + line);
        }
        if (c != null) {
            out.println("hvl9p: control socket " + c.path() + " (hvl9p ctl --control " + c.path() + " status)");
        }
        out.flush();
        if (started != null) {
            started.countDown();
        }
        done.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            stopAll.run();
        } catch (IllegalStateException shuttingDown) {
            // the hook runs it
        }
        return 0;
    }

    /** {@code fifo:PATH} with PATH absolute and normalised, so that two spellings of one FIFO compare equal. */
    private static String canonicalDoorbell(String spec) {
        if (spec.startsWith("fifo:") && spec.length() > 5 && spec.indexOf('\0') < 0) {
            try {
                return "fifo:" + Path.of(spec.substring(5)).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                return spec;
            }
        }
        return spec;
    }

    /** {@code serve --config FILE}: everything from the file; errors are printed as FILE:LINE. */
    private int serveConfig(PrintWriter out, PrintWriter err) throws InterruptedException {
        ConfigCommand.Loaded loaded = ConfigCommand.load(config, err);
        if (loaded == null) {
            err.println("hvl9p serve: " + config + " has errors; nothing started");
            return 1;
        }
        ConfigServe served;
        try {
            served = ConfigServe.start(
                    loaded,
                    msize -> {
                        ServerConfig.Builder d = ServerConfig.builder()
                                .maxMsize(Math.max(4096, msize))
                                .inlineWhenIdle(!noInline);
                        if (workers != null) {
                            d.workers(workers);
                        }
                        if (trace) {
                            d.trace(line -> err.println(line));
                        }
                        return d;
                    },
                    maxMsize,
                    out);
        } catch (IOException | IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            err.println("hvl9p serve: " + e.getMessage());
            return 1;
        }
        // SIGHUP: read the file again; a valid one applies to new attaches (and revokes exports
        // that disappeared), an invalid one is reported and the running policy stays.
        reload = () -> {
            synchronized (served) {
                ConfigCommand.Loaded next = ConfigCommand.load(config, err);
                if (next == null) {
                    err.println("hvl9p serve: reload of " + config + " rejected; the running configuration stays");
                    err.flush();
                    return;
                }
                List<String> changes = served.reload(next);
                out.println("hvl9p: reloaded " + config + (changes.isEmpty() ? ": no change" : ""));
                changes.forEach(line -> out.println("hvl9p:   " + line));
                out.flush();
            }
        };
        Object previous = Sighup.install(() -> {
            Runnable r = reload;
            if (r != null) {
                r.run();
            }
        });
        List<String> banner = new ArrayList<>();
        banner.add("configuration " + config + " (SIGHUP reloads it)");
        for (RuntimeHost h : served.hosts()) {
            banner.addAll(h.describe());
        }
        for (SocketListener l : served.listeners()) {
            banner.add("listening on " + l.address());
        }
        try {
            return serveUntilStopped(served.hosts(), served::close, banner, out, err);
        } finally {
            Sighup.restore(previous);
            reload = null;
        }
    }

    /** The server settings of one 9p device: the same as the sockets', with fewer workers. */
    private ServerConfig.Builder deviceServer(String who, PrintWriter err) {
        ServerConfig.Builder d = ServerConfig.builder().maxMsize(maxMsize).inlineWhenIdle(!noInline);
        d.workers(workers != null ? workers : 8);
        if (trace) {
            d.trace(line -> err.println(line));
        }
        return d;
    }

    private static void shutdown(List<SocketListener> listeners, Server server, List<RuntimeHost> hosts) {
        hosts.forEach(RuntimeHost::close);
        listeners.forEach(SocketListener::close);
        server.close();
    }
}

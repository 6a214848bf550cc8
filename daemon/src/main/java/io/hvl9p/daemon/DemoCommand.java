package io.hvl9p.daemon;

import io.hvl9p.daemon.runtime.RuntimeHost;
import io.hvl9p.daemon.runtime.RuntimeSpec;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.mmio.DeviceState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hvl9p demo}: the whole system on one host with no set-up. Linux's side (this process)
 * creates a pool in /dev/shm with a virtio-9p device for a sample export and a virtio-console,
 * and serves it; a simulated auxiliary runtime in a second process ({@code hvl9p runtime-sim})
 * reaches it only through the pool and the doorbell FIFOs: it prints "hello" through the console,
 * mounts the 9p device, lists the export, reads a file and writes one. Linux's side shows the
 * console output with the runtime's prefix and checks the written file on disk. Everything is
 * removed at the end, also on Ctrl-C.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Show the whole system on this host, with no set-up: a pool in /dev/shm with a",
            "virtio-9p device (a sample export in a temporary directory) and a console,",
            "and a simulated auxiliary runtime in its own process that prints hello through",
            "the console, mounts the export, lists it, reads a file and writes one.",
            "Everything is removed afterwards (also on Ctrl-C)."
        })
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--layout", paramLabel = "dtb|packed", description = "pool layout (default dtb)")
    String layout = "dtb";

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long the runtime may take (default 60)")
    int timeoutSeconds = 60;

    /**
     * Hidden, for the Ctrl-C test: the runtime waits for a line of console input (which nobody
     * types) before it finishes, so that it is certainly still running when the interrupt comes.
     */
    @Option(names = "--hold", hidden = true)
    boolean hold;

    /** For tests: the pool's name, to check it is gone. */
    static volatile String lastPool;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PoolLayout.Kind kind =
                switch (layout) {
                    case "dtb" -> PoolLayout.Kind.DTB;
                    case "packed" -> PoolLayout.Kind.PACKED;
                    default -> {
                        spec.commandLine()
                                .getErr()
                                .println("hvl9p demo: --layout " + layout + " (expected: dtb or packed)");
                        yield null;
                    }
                };
        if (kind == null) {
            return 2;
        }
        Path top = Files.createTempDirectory("hvl9p-demo-");
        Demo demo = new Demo(top, kind, out, hold);
        Thread hook = new Thread(demo::cleanUp, "hvl9p-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return demo.run(Duration.ofSeconds(timeoutSeconds));
        } finally {
            demo.cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    /** One run: what it created, so that cleanUp (normal end or Ctrl-C) removes exactly that. */
    private static final class Demo {
        private final Path top;
        private final PoolLayout.Kind kind;
        private final PrintWriter out;
        private final boolean hold;
        private final String id = "hvl9p-demo-" + ProcessHandle.current().pid();
        private volatile RuntimeHost host;
        private volatile Process runtime;
        private boolean cleaned;

        Demo(Path top, PoolLayout.Kind kind, PrintWriter out, boolean hold) {
            this.top = top;
            this.kind = kind;
            this.out = out;
            this.hold = hold;
        }

        int run(Duration timeout) throws IOException, InterruptedException {
            Path export = Files.createDirectories(top.resolve("export"));
            Files.writeString(export.resolve("hello.txt"), "hello from Linux\n");
            Files.createDirectories(export.resolve("docs"));
            say("sample export 'sample' = " + export + " (hello.txt, docs/)");
            String doorbell = "fifo:" + top.resolve("rt1");
            RuntimeSpec rs = new RuntimeSpec(
                    "rt1",
                    "shm:" + id,
                    0,
                    0x37000000L,
                    kind,
                    doorbell,
                    List.of(new RuntimeSpec.NinePSpec("sample", RuntimeSpec.DEFAULT_9P_MEMORY)),
                    true,
                    RuntimeSpec.DEFAULT_CONSOLE_MEMORY,
                    null,
                    true,
                    null,
                    Duration.ofNanos(50_000));
            lastPool = id;
            host = RuntimeHost.start(
                    rs,
                    name -> LinuxBackend.open(export, LinuxBackend.Options.defaults()),
                    who -> ServerConfig.builder().workers(4),
                    line -> {
                        synchronized (out) {
                            out.println(line);
                            out.flush();
                        }
                    });
            for (String line : host.describe()) {
                say(line);
            }
            List<String> cmd = Main.childCommand(
                    "runtime-sim",
                    "--name",
                    "rt1",
                    "--pool",
                    id,
                    "--phys-base",
                    "0x37000000",
                    "--layout",
                    kind.name().toLowerCase(),
                    "--doorbell",
                    doorbell,
                    "--hello",
                    "hello from rt1, an auxiliary runtime with no IP stack",
                    "--files");
            if (hold) {
                cmd.addAll(List.of("--echo-lines", "1", "--timeout", timeout.toSeconds() + "s"));
            }
            runtime = new ProcessBuilder(cmd)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            say("started the simulated runtime rt1 as process " + runtime.pid()
                    + " (it sees only the pool and the doorbell FIFOs)");
            if (!runtime.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                say("FAILED: the runtime did not finish within " + timeout.toSeconds() + " s");
                return 1;
            }
            int status = runtime.exitValue();
            host.console().device().awaitOutput(Duration.ofSeconds(5));
            say("runtime rt1 exited with status " + status);
            for (DeviceState d : host.devices()) {
                say(String.format(
                        "device %s: status 0x%x, %s, %d queue ACKs",
                        d.name(), d.status(), d.running() ? "running" : "stopped", d.acks()));
            }
            Path written = export.resolve("from-rt1.txt");
            if (status != 0 || !Files.exists(written)) {
                say("FAILED: the runtime did not write " + written);
                return 1;
            }
            say("Linux side: " + written + " on disk: \""
                    + Files.readString(written).strip() + "\"");
            say("ok");
            return 0;
        }

        private void say(String s) {
            synchronized (out) {
                out.println("demo: " + s);
                out.flush();
            }
        }

        synchronized void cleanUp() {
            if (cleaned) {
                return;
            }
            cleaned = true;
            Process p = runtime;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            RuntimeHost h = host;
            if (h != null) {
                h.close();
            }
            try {
                deleteTree(top);
            } catch (IOException e) {
                say("could not remove " + top + ": " + e.getMessage());
            }
            boolean poolGone = !Files.exists(Path.of("/dev/shm", id));
            say("cleaned up: pool /dev/shm/" + id + (poolGone ? " removed" : " STILL THERE") + ", FIFOs and " + top
                    + " removed, no runtime process left");
        }
    }

    private static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

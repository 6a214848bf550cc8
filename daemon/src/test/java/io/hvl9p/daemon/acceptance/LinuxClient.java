package io.hvl9p.daemon.acceptance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The Linux kernel client: linux-client's {@code run-guest} (QEMU, TCG) with the files the guest
 * scripts of {@code tests/guest/} need ({@code lib.sh}, and {@code p9lock} compiled from its C
 * source). At most {@code hvl9p.acceptance.guests} (2) guests run at once, one per core.
 *
 * <p>The harness is {@code -Dhvl9p.linuxClient=DIR} (relative to the repository root), by default
 * {@code ../shared/linux-client} beside the repository, else {@code /work/shared/linux-client}
 * (also {@code HVL9P_LINUX_CLIENT=DIR}).
 */
final class LinuxClient {
    static final String SKIP_VARIABLE = "HVL9P_SKIP_LINUX_CLIENT";

    /**
     * run-guest's --timeout for one script, in seconds; the JUnit timeout is above it. Generous: a
     * loaded 2-core machine (two guests, the server, other builds) slows a guest several times.
     */
    static final int TIMEOUT_SECONDS = Integer.getInteger("hvl9p.acceptance.timeout", 600);

    private static final Semaphore GUESTS = new Semaphore(Integer.getInteger("hvl9p.acceptance.guests", 2), true);
    private static LinuxClient instance;
    private static String problem;

    private final Path runGuest;
    private final Path smoke;
    private final Path guestScripts;
    private final Path lockTool;
    private final Path runs;

    private LinuxClient(Path harness, Path guestScripts, Path lockTool, Path runs) {
        this.runGuest = harness.resolve("run-guest");
        this.smoke = harness.resolve("tests/smoke.sh");
        this.guestScripts = guestScripts;
        this.lockTool = lockTool;
        this.runs = runs;
    }

    /**
     * The client, once everything it needs was found; fails the test with what is missing, or
     * skips it when {@code HVL9P_SKIP_LINUX_CLIENT=1}.
     */
    static LinuxClient get() throws InterruptedException {
        synchronized (LinuxClient.class) {
            if (instance == null && problem == null) {
                try {
                    instance = locate();
                } catch (IOException e) {
                    problem = e.getMessage();
                }
            }
        }
        Host.require(problem == null, SKIP_VARIABLE, problem);
        return instance;
    }

    /** Where the harness lives on this kind of machine, for a checkout that is not beside it. */
    private static final Path WORKPLACE_HARNESS = Path.of("/work/shared/linux-client");

    private static LinuxClient locate() throws IOException, InterruptedException {
        Path root = Host.repositoryRoot()
                .orElseThrow(() -> new IOException("no repository root (a directory with mvnw) above "
                        + Path.of("").toAbsolutePath()));
        String given = System.getProperty("hvl9p.linuxClient", System.getenv("HVL9P_LINUX_CLIENT"));
        List<Path> candidates = given != null
                ? List.of(root.resolve(given).normalize())
                : List.of(root.resolve("../shared/linux-client").normalize(), WORKPLACE_HARNESS);
        Path harness = candidates.stream()
                .filter(h -> Files.isExecutable(h.resolve("run-guest")))
                .findFirst()
                .orElseThrow(() -> new IOException("the linux-client harness is not at " + candidates
                        + " (no executable run-guest); give its directory with -Dhvl9p.linuxClient=DIR"));
        String qemu = System.getenv().getOrDefault("QEMU", "qemu-system-x86_64");
        if (Host.program(qemu).isEmpty() && !Files.isExecutable(Path.of(qemu))) {
            throw new IOException(qemu + " is not installed; apt-get install -y --no-install-recommends"
                    + " qemu-system-x86 xz-utils");
        }
        Path scripts = root.resolve("tests/guest");
        if (!Files.isRegularFile(scripts.resolve("lib.sh"))) {
            throw new IOException("no guest scripts in " + scripts);
        }
        return new LinuxClient(
                harness, scripts, buildLockTool(root, scripts), root.resolve("daemon/target/acceptance/runs"));
    }

    /** Compiles tests/guest/p9lock.c into a static binary for the guest (busybox has no flock). */
    private static Path buildLockTool(Path root, Path scripts) throws IOException, InterruptedException {
        Path out = root.resolve("daemon/target/acceptance");
        Files.createDirectories(out);
        Path tool = out.resolve("p9lock");
        Path log = out.resolve("p9lock.log");
        String cc = Host.program("cc")
                .or(() -> Host.program("gcc"))
                .map(Path::toString)
                .orElse(null);
        if (cc == null) {
            throw new IOException("no C compiler to build the guest's lock helper; apt-get install -y gcc libc6-dev");
        }
        Process p = new ProcessBuilder(
                        cc,
                        "-static",
                        "-Os",
                        "-s",
                        "-o",
                        tool.toString(),
                        scripts.resolve("p9lock.c").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("cannot build " + tool + " (needs a static libc: apt-get install -y libc6-dev):\n"
                    + Host.tail(log, 20));
        }
        return tool;
    }

    /**
     * A fresh directory for one run's files (console.log), kept after the test under
     * daemon/target/acceptance/runs/ to look at; its name is made from {@code label}.
     */
    Path runDirectory(String server, String label) throws IOException {
        Path d = runs.resolve(server + "-" + label.replaceAll("[^A-Za-z0-9._-]+", "-"));
        Host.deleteTree(d);
        return Files.createDirectories(d);
    }

    /** The script's path on the host. */
    Path script(String name) {
        return name.equals("smoke.sh") ? smoke : guestScripts.resolve(name);
    }

    /**
     * Boots a guest that mounts {@code server} as {@code c} says and runs the script; the console
     * goes to {@code runDir/console.log}.
     */
    GuestResult run(RunningServer server, GuestCase c, Path runDir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(
                List.of(runGuest.toString(), "--quiet", "--timeout", Integer.toString(TIMEOUT_SECONDS)));
        if (c.unix()) {
            cmd.addAll(List.of("--unix", server.unixSocket().toString()));
        } else {
            cmd.addAll(List.of("--port", Integer.toString(server.port())));
        }
        cmd.addAll(List.of("--aname", server.aname()));
        if (!server.mountOptions().isEmpty()) {
            cmd.addAll(List.of("--opts", server.mountOptions()));
        }
        if (c.msize() > GuestCase.SERIAL_MAX_MSIZE) {
            if (c.unix()) {
                throw new IllegalArgumentException(
                        c + ": msize above 64 KiB needs the tcp transport, not a Unix socket");
            }
            // the serial relay cannot carry frames above 64 KiB (docs/server.md): guest TCP
            cmd.addAll(List.of("--transport", "tcp"));
        }
        if (c.msize() > 0) {
            cmd.addAll(List.of("--msize", Integer.toString(c.msize())));
        }
        cmd.addAll(List.of("--cache", c.cache()));
        cmd.addAll(List.of("--add", guestScripts.resolve("lib.sh").toString(), "--add", lockTool.toString()));
        for (Map.Entry<String, String> e : c.env().entrySet()) {
            cmd.addAll(List.of("--env", e.getKey() + "=" + e.getValue()));
        }
        cmd.add(script(c.script()).toString());

        Path console = runDir.resolve("console.log");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("TMPDIR", runDir.toString());
        GUESTS.acquire();
        try {
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS + 60L, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return GuestResult.parse(
                        -1,
                        Files.readString(console, StandardCharsets.UTF_8)
                                + "\n(run-guest did not end within its own timeout plus 60 s; killed)");
            }
            return GuestResult.parse(p.exitValue(), new String(Files.readAllBytes(console), StandardCharsets.UTF_8));
        } finally {
            GUESTS.release();
        }
    }
}

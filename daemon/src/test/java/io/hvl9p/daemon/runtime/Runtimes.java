package io.hvl9p.daemon.runtime;

import io.hvl9p.daemon.Await;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: runtimes served in this process (RuntimeHost) and played in this process
 * (RuntimeSim), each with a unique pool in /dev/shm and FIFOs in a test directory; closes them and
 * checks that nothing is left.
 */
final class Runtimes implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** One served runtime, what its console sent to standard output, and the exports it asked for. */
    record Served(RuntimeHost host, List<String> stdout, List<String> opened, String pool, Path fifo) {
        RuntimeSim attach() throws IOException {
            RuntimeSpec s = host.spec();
            return RuntimeSim.attach(
                    s.name(),
                    pool,
                    s.physBase(),
                    s.layout(),
                    s.doorbell(),
                    FrontEnd.Options.defaults(),
                    Duration.ofSeconds(10),
                    65536);
        }
    }

    private final Path dir;
    private final List<Served> served = new ArrayList<>();
    private final List<RuntimeSim> sims = new CopyOnWriteArrayList<>();

    Runtimes(Path dir) {
        this.dir = dir;
    }

    /**
     * Serves runtime {@code name} with a 9p device per entry of {@code exports} (name to directory)
     * and optionally a console with a log file and a socket.
     */
    Served serve(
            String name,
            PoolLayout.Kind layout,
            Map<String, Path> exports,
            boolean console,
            Path consoleLog,
            Path consoleSocket)
            throws IOException {
        String pool = "hvl9p-test-" + ProcessHandle.current().pid() + "-" + name + "-" + SEQ.incrementAndGet();
        Path fifo = dir.resolve(name);
        List<RuntimeSpec.NinePSpec> ninep = new ArrayList<>();
        for (String e : exports.keySet()) {
            ninep.add(new RuntimeSpec.NinePSpec(e, 0x40000 - 0x200));
        }
        RuntimeSpec spec = new RuntimeSpec(
                name,
                "shm:" + pool,
                0,
                0x37000000L,
                layout,
                "fifo:" + fifo,
                ninep,
                console,
                RuntimeSpec.DEFAULT_CONSOLE_MEMORY,
                consoleLog,
                true,
                consoleSocket,
                Duration.ofNanos(50_000));
        List<String> stdout = new CopyOnWriteArrayList<>();
        List<String> opened = new CopyOnWriteArrayList<>();
        RuntimeHost host = RuntimeHost.start(
                spec,
                e -> {
                    opened.add(e);
                    Path d = exports.get(e);
                    if (d == null) {
                        throw new IllegalArgumentException("no export " + e);
                    }
                    return LinuxBackend.open(d, LinuxBackend.Options.defaults());
                },
                who -> ServerConfig.builder().workers(2),
                stdout::add);
        Served s = new Served(host, stdout, opened, pool, fifo);
        served.add(s);
        return s;
    }

    /** A simulated runtime attached to {@code s}, closed with the fixture. */
    RuntimeSim attach(Served s) throws IOException {
        RuntimeSim sim = s.attach();
        sims.add(sim);
        return sim;
    }

    /** Waits until {@code s}'s standard-output sink has the line {@code line}. */
    static void awaitLine(Served s, String line) {
        Await.until("console line \"" + line + "\"", () -> s.stdout().contains(line), () -> "have " + s.stdout());
    }

    /** Closes every runtime and checks that its pool and FIFOs are gone. */
    @Override
    public void close() {
        sims.forEach(RuntimeSim::close);
        for (Served s : served) {
            s.host().close();
        }
        for (Served s : served) {
            if (Await.exists(Path.of("/dev/shm", s.pool()))
                    || Await.exists(Path.of(s.fifo() + ".kick"))
                    || Await.exists(Path.of(s.fifo() + ".irq"))) {
                throw new AssertionError("runtime " + s.host().spec().name() + " left its pool or FIFOs");
            }
        }
    }
}

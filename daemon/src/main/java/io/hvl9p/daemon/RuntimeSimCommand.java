package io.hvl9p.daemon;

import io.hvl9p.daemon.runtime.RuntimeSim;
import io.hvl9p.daemon.runtime.Units;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hvl9p runtime-sim}: plays an auxiliary runtime in a process of its own, for the demo and
 * tests: the front-end side of a pool served by {@code hvl9p serve --runtime}.
 */
@Command(
        name = "runtime-sim",
        mixinStandardHelpOptions = true,
        description = {
            "Play an auxiliary runtime (the front-end role) against a pool served by",
            "'hvl9p serve --runtime': map the pool, find its devices, bring them up with",
            "the OpenAMP front-end sequence, then print through the console, use every",
            "9p device (list, read hello.txt, write from-NAME.txt) and echo console input."
        },
        sortOptions = false)
final class RuntimeSimCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME", description = "the runtime's name (default rt)")
    String name = "rt";

    @Option(names = "--pool", required = true, paramLabel = "SHM", description = "the pool's name in /dev/shm")
    String pool;

    @Option(names = "--phys-base", paramLabel = "ADDR", description = "default 0x37000000")
    String physBase = "0x37000000";

    @Option(names = "--layout", paramLabel = "dtb|packed", description = "default dtb")
    String layout = "dtb";

    @Option(names = "--doorbell", required = true, paramLabel = "SPEC", description = "fifo:PATH or poll[:T]")
    String doorbell;

    @Option(names = "--status-mode", paramLabel = "plain|ored", description = "how Status is written (default plain)")
    String statusMode = "plain";

    @Option(names = "--hello", paramLabel = "TEXT", description = "a line to print through the console first")
    String hello;

    @Option(names = "--files", description = "list, read and write through every 9p device")
    boolean files;

    @Option(names = "--write-text", paramLabel = "TEXT", description = "what --files writes")
    String writeText;

    @Option(names = "--echo-lines", paramLabel = "N", description = "read N lines of console input, print each back")
    int echoLines;

    @Option(names = "--msize", paramLabel = "BYTES", description = "msize asked for (default 131072)")
    int msize = 131072;

    @Option(names = "--timeout", paramLabel = "T", description = "per operation (default 10s)")
    String timeout = "10s";

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            PoolLayout.Kind kind =
                    switch (layout.toLowerCase(Locale.ROOT)) {
                        case "dtb" -> PoolLayout.Kind.DTB;
                        case "packed" -> PoolLayout.Kind.PACKED;
                        default ->
                            throw new IllegalArgumentException("--layout " + layout + " (expected: dtb or packed)");
                    };
            FrontEnd.StatusMode mode =
                    switch (statusMode.toLowerCase(Locale.ROOT)) {
                        case "plain" -> FrontEnd.StatusMode.PLAIN;
                        case "ored" -> FrontEnd.StatusMode.ORED;
                        default ->
                            throw new IllegalArgumentException(
                                    "--status-mode " + statusMode + " (expected: plain or ored)");
                    };
            Duration t = Units.duration("--timeout", timeout);
            try (RuntimeSim sim = RuntimeSim.attach(
                    name,
                    pool,
                    Units.address("--phys-base", physBase),
                    kind,
                    doorbell,
                    FrontEnd.Options.defaults().withStatusMode(mode),
                    t,
                    msize)) {
                return sim.run(new RuntimeSim.Script(hello, files, echoLines, writeText));
            }
        } catch (IllegalArgumentException e) {
            err.println("hvl9p runtime-sim: " + e.getMessage());
            return 2;
        } catch (NoSuchFileException e) {
            if (Path.of("/dev/shm", pool).toString().equals(e.getFile())) {
                // the transport's message speaks to programmers (Pool.shm); this one to whoever runs the command
                err.println("hvl9p runtime-sim: " + name + ": no pool " + e.getFile()
                        + " (the back-end creates it: start 'hvl9p serve --runtime ...' first)");
            } else {
                err.println("hvl9p runtime-sim: " + name + ": " + e.getMessage());
            }
            return 1;
        } catch (Exception e) {
            err.println("hvl9p runtime-sim: " + name + ": " + e.getMessage());
            return 1;
        }
    }
}

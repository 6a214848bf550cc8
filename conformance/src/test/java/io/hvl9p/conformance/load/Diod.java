package io.hvl9p.conformance.load;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A real diod on a free loopback port, exporting one directory; the test is skipped without diod. */
final class Diod implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path socket;
    private final Path log;

    private Diod(Process process, int port, Path socket, Path log) {
        this.process = process;
        this.port = port;
        this.socket = socket;
        this.log = log;
    }

    static Optional<Path> onPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "diod");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts {@code diod -f -n -N -l 127.0.0.1:PORT -l LOG.sock -e export}, logging to {@code log}:
     * diod listens on a Unix socket too when given a path.
     */
    static Diod start(Path export, Path log) throws IOException, InterruptedException {
        Optional<Path> diod = onPath();
        assumeThat(diod).as("diod on PATH").isPresent();
        // the free port may be taken by another process before diod binds it: then try another
        for (int attempt = 1; ; attempt++) {
            try {
                return start(diod.orElseThrow(), export, log);
            } catch (IOException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static Diod start(Path diod, Path export, Path log) throws IOException, InterruptedException {
        Files.deleteIfExists(log.resolveSibling("diod.sock"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(
                        diod.toString(),
                        "-f",
                        "-n",
                        "-N",
                        "-l",
                        "127.0.0.1:" + port,
                        "-l",
                        log.resolveSibling("diod.sock").toString(),
                        "-e",
                        export.toString(),
                        "-L",
                        log.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile())
                .start();
        Diod d = new Diod(p, port, log.resolveSibling("diod.sock"), log);
        d.awaitListening(Duration.ofSeconds(15));
        return d;
    }

    /** Polls until diod accepts a connection, with a deadline. */
    private void awaitListening(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                SocketChannel.open(new InetSocketAddress("127.0.0.1", port)).close();
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException("diod exited with " + process.exitValue() + "; log: " + log, e);
                }
                if (System.nanoTime() - deadline > 0) {
                    close();
                    throw new IOException("diod not listening on port " + port + " after " + limit, e);
                }
                Thread.sleep(20);
            }
        }
    }

    Target target() {
        return Target.tcp("127.0.0.1", port);
    }

    Target unixTarget() {
        return Target.unix(socket);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

package io.hvl9p.daemon.acceptance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A started server process and how to reach it: TCP {@link #port()} on 127.0.0.1, {@link
 * #unixSocket()}, the {@link #aname()} that selects the export, and the extra mount options it
 * needs ({@code uname=root} for diod without a user database). Closing stops the process (SIGTERM,
 * then SIGKILL after 5 s) and removes its private directory (socket, log).
 */
final class RunningServer implements AutoCloseable {
    private final String name;
    private final Process process;
    private final int port;
    private final Path unixSocket;
    private final String aname;
    private final String mountOptions;
    private final Path log;
    private final Path privateDir;

    RunningServer(
            String name,
            Process process,
            int port,
            Path unixSocket,
            String aname,
            String mountOptions,
            Path log,
            Path privateDir) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.unixSocket = unixSocket;
        this.aname = aname;
        this.mountOptions = mountOptions;
        this.log = log;
        this.privateDir = privateDir;
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    Path unixSocket() {
        return unixSocket;
    }

    String aname() {
        return aname;
    }

    /** Mount options beyond aname, comma separated; empty when none. */
    String mountOptions() {
        return mountOptions;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The last lines the server printed (stdout and stderr). */
    String logTail(int lines) {
        return Host.tail(log, lines);
    }

    /**
     * Waits until the server listens on its TCP port and its Unix socket exists, or fails with
     * its log if it exits or takes longer than {@code timeout}.
     */
    void awaitListening(Duration timeout) throws IOException, InterruptedException {
        boolean up = Host.poll(timeout, () -> !process.isAlive() || (Host.listening(port) && Files.exists(unixSocket)));
        String problem = null;
        if (!process.isAlive()) {
            problem = name + " exited with status " + process.exitValue() + " before listening";
        } else if (!up) {
            problem = name + " did not listen on 127.0.0.1:" + port + " and " + unixSocket + " within " + timeout;
        }
        if (problem != null) {
            String message = problem + "; its output:\n" + logTail(40);
            close();
            throw new IOException(message);
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Host.deleteTree(privateDir);
    }

    @Override
    public String toString() {
        return name + " on 127.0.0.1:" + port + " and " + unixSocket + " (aname " + aname + ")";
    }
}

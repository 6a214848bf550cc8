package io.hvl9p.daemon.runtime;

import io.hvl9p.transport.mmio.DeviceState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The daemon's control socket: a Unix socket (mode 0600 by the umask of root; the directory is the
 * admin's choice) that takes one command per line and answers with lines ending in {@code ok} or
 * {@code error: ...}:
 *
 * <ul>
 *   <li>{@code status}: one line per device of every runtime;
 *   <li>{@code reset RUNTIME}: resets every device of that runtime's pool, as whatever
 *       (re)starts the runtime must do first (hvl-transport.md 3a.5, 3b.7; e.g. a remoteproc
 *       start hook running {@code hvl9p ctl --control PATH reset NAME}).
 * </ul>
 */
public final class ControlSocket implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ControlSocket.class.getName());
    private final Path path;
    private final ServerSocketChannel server;
    private final Map<String, RuntimeHost> runtimes;
    private final Thread acceptor;

    private ControlSocket(Path path, ServerSocketChannel server, Map<String, RuntimeHost> runtimes) {
        this.path = path;
        this.server = server;
        this.runtimes = runtimes;
        this.acceptor = Thread.ofVirtual().name("hvl9p-control").start(this::accept);
    }

    /** Listens on {@code path}; a stale socket file is replaced, any other file refused. */
    public static ControlSocket listen(Path path, Map<String, RuntimeHost> runtimes) throws IOException {
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("--control " + path + ": a file that is not a socket is in the way");
            }
            Files.delete(path);
        }
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(path));
        return new ControlSocket(path, s, Map.copyOf(runtimes));
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread.ofVirtual().name("hvl9p-control-client").start(() -> serve(c));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(
                        new OutputStreamWriter(Channels.newOutputStream(c), StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                for (String reply : execute(line.strip())) {
                    out.println(reply);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "control client: {0}", e.toString());
        }
    }

    /** Runs one command; the last line is {@code ok} or starts with {@code error:}. */
    public List<String> execute(String command) {
        String[] words = command.split("\\s+");
        switch (words[0]) {
            case "status" -> {
                java.util.ArrayList<String> out = new java.util.ArrayList<>();
                for (RuntimeHost h : runtimes.values()) {
                    for (DeviceState d : h.devices()) {
                        out.add(String.format(
                                "%s %s status=0x%x %s generation=%d acks=%d resets=%d reinits=%d needs-reset=%d%s",
                                h.spec().name(),
                                d.name(),
                                d.status(),
                                d.needsReset() ? "NEEDS_RESET" : d.running() ? "running" : "waiting",
                                d.generation(),
                                d.acks(),
                                d.resets(),
                                d.reinits(),
                                d.needsResets(),
                                d.reason() == null ? "" : " reason=" + d.reason()));
                    }
                }
                out.add("ok");
                return out;
            }
            case "reset" -> {
                if (words.length != 2) {
                    return List.of("error: usage: reset RUNTIME");
                }
                RuntimeHost h = runtimes.get(words[1]);
                if (h == null) {
                    return List.of("error: no runtime named " + words[1] + " (expected one of: "
                            + String.join(", ", runtimes.keySet()) + ")");
                }
                try {
                    h.resetDevices();
                    return List.of("ok");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of("error: interrupted");
                } catch (RuntimeException e) {
                    return List.of("error: " + e.getMessage());
                }
            }
            default -> {
                return List.of("error: unknown command \"" + command + "\" (expected: status or reset RUNTIME)");
            }
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the control socket: {0}", e.toString());
        }
        acceptor.interrupt();
    }
}

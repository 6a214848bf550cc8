package io.hvl9p.console;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An attachable console on a Unix-domain socket ({@code socat - UNIX-CONNECT:PATH}): every
 * connection's bytes go to the console's input, and every output line is sent to every connected
 * client as {@code [runtime] line\n}. A client that falls behind by more than {@value #CLIENT_QUEUE}
 * lines loses lines rather than stalling the others or the device. Add it to the device's sinks
 * (through a {@link FanOutSink}) and point its input at the device with {@link #inputTo}.
 */
public final class SocketConsole implements ConsoleSink {
    private static final System.Logger LOG = System.getLogger(SocketConsole.class.getName());
    static final int CLIENT_QUEUE = 1000;

    private final Path path;
    private final ServerSocketChannel server;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private volatile Consumer<byte[]> input = b -> {};
    private volatile boolean closed;

    private SocketConsole(Path path, ServerSocketChannel server) {
        this.path = path;
        this.server = server;
    }

    /**
     * Listens at {@code path}. A stale socket file (left by a process that died) is replaced; a
     * socket someone listens on, or any other existing file, is an error.
     */
    public static SocketConsole listen(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isOther()) {
                throw new IOException(
                        "cannot listen on console socket " + path + ": a file that is not a socket exists");
            }
            if (inUse(path)) {
                throw new IOException("cannot listen on console socket " + path + ": another process listens on it");
            }
            Files.delete(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on console socket " + path + ": " + e.getMessage(), e);
        }
        SocketConsole c = new SocketConsole(path, server);
        Thread.ofPlatform().name("hvl9p-console-accept").daemon().start(c::acceptLoop);
        return c;
    }

    private static boolean inUse(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false; // ECONNREFUSED: nobody listens, the file is stale
        }
    }

    /** Where the clients' bytes go, for example {@code device::input}; until set they are dropped. */
    public void inputTo(Consumer<byte[]> target) {
        this.input = Objects.requireNonNull(target, "target");
    }

    public Path path() {
        return path;
    }

    /** Clients connected now. */
    public int clients() {
        return clients.size();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Client c = new Client(server.accept());
                clients.add(c);
                c.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "console socket {0}: accept failed: {1}", path, e.toString());
                }
                return;
            }
        }
    }

    @Override
    public void line(String runtime, String line) {
        String text = "[" + runtime + "] " + line + "\n";
        for (Client c : clients) {
            c.send(text);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Client c : clients) {
            c.close();
        }
        Files.deleteIfExists(path);
    }

    private final class Client {
        private final SocketChannel ch;
        private final BlockingQueue<String> out = new ArrayBlockingQueue<>(CLIENT_QUEUE);

        Client(SocketChannel ch) {
            this.ch = ch;
        }

        void start() {
            Thread.ofVirtual().name("hvl9p-console-client-in").start(this::readLoop);
            Thread.ofVirtual().name("hvl9p-console-client-out").start(this::writeLoop);
        }

        void send(String text) {
            out.offer(text); // a full queue drops the line for this client only
        }

        private void readLoop() {
            try (var in = Channels.newInputStream(ch)) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    input.accept(java.util.Arrays.copyOf(buf, n));
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                close();
            }
        }

        private void writeLoop() {
            try {
                while (ch.isOpen()) {
                    ByteBuffer b = ByteBuffer.wrap(out.take().getBytes(StandardCharsets.UTF_8));
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            } catch (IOException | InterruptedException e) {
                close();
            }
        }

        void close() {
            clients.remove(this);
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do
            }
            out.offer("");
        }
    }
}

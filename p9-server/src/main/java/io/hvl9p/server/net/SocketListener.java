package io.hvl9p.server.net;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.FrameDecoder;
import io.hvl9p.protocol.MalformedMessageException;
import io.hvl9p.server.Connection;
import io.hvl9p.server.Server;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accepts 9P connections on one TCP or Unix-domain address, with one platform reader thread per
 * connection (as diod has); requests run on the server's workers, or inline on the reader when
 * the connection is idle. Reads go into a direct buffer, so the JDK copies nothing on the way in.
 */
public final class SocketListener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SocketListener.class.getName());

    private final Server server;
    private final ListenAddress address;
    private final ServerSocketChannel channel;
    private final Thread acceptor;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger unixPeers = new java.util.concurrent.atomic.AtomicInteger();

    private SocketListener(Server server, ListenAddress address, ServerSocketChannel channel) {
        this.server = server;
        this.address = address;
        this.channel = channel;
        this.acceptor =
                Thread.ofPlatform().daemon().name("hvl9p-accept-" + address).unstarted(this::acceptLoop);
    }

    /** Parses {@code tcp:HOST:PORT} or {@code unix:PATH}. */
    public static ListenAddress parse(String s) {
        return ListenAddress.parse(s);
    }

    /**
     * Binds and starts accepting. A Unix socket path that exists and is a socket nobody listens
     * on is replaced; anything else there is an error.
     */
    public static SocketListener start(Server server, ListenAddress address) throws IOException {
        ServerSocketChannel ch;
        if (address instanceof ListenAddress.Unix u) {
            removeStale(u);
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            ch = ServerSocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        }
        try {
            ch.bind(address.socketAddress(), 64);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        } catch (UnresolvedAddressException e) {
            ch.close();
            throw new IOException("cannot listen on " + address + ": cannot resolve the host name", e);
        }
        SocketListener l = new SocketListener(server, address, ch);
        l.acceptor.start();
        return l;
    }

    /**
     * Deletes a socket file nobody listens on. Anything else at the path is refused and left
     * alone: only the file type tells a socket from a FIFO or a device node (a failed connect does
     * not), and a symbolic link is never followed.
     */
    private static void removeStale(ListenAddress.Unix u) throws IOException {
        Path p = u.path();
        int mode;
        try {
            mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(p + " exists and is " + fileType(mode)
                    + ", not a socket (expected: a free path or a stale socket)");
        }
        if (listening(u)) {
            throw new IOException(p + ": another server is listening on this socket");
        }
        Files.delete(p);
    }

    private static boolean listening(ListenAddress.Unix u) {
        try (SocketChannel probe = SocketChannel.open(u.socketAddress())) {
            return probe.isConnected();
        } catch (IOException refused) {
            return false;
        }
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private static String fileType(int mode) {
        return switch (mode & S_IFMT) {
            case 0100000 -> "a regular file";
            case 0040000 -> "a directory";
            case 0120000 -> "a symbolic link";
            case 0010000 -> "a FIFO";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            default -> "a file of type 0" + Integer.toOctalString(mode & S_IFMT);
        };
    }

    /** The address bound (with the real port when 0 was asked for). */
    public ListenAddress address() {
        if (address instanceof ListenAddress.Tcp t) {
            try {
                InetSocketAddress a = (InetSocketAddress) channel.getLocalAddress();
                return new ListenAddress.Tcp(t.host(), a.getPort());
            } catch (IOException e) {
                return address;
            }
        }
        return address;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = channel.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "accept on {0}: {1}", address, e.getMessage());
                }
                continue;
            }
            clients.add(c);
            // A platform thread: idle connections run metadata requests inline on it, and those
            // switch the thread's fsuid (see Connection).
            Thread.ofPlatform().daemon().name("hvl9p-conn").start(() -> serve(c));
        }
    }

    private void serve(SocketChannel c) {
        String peer = peerName(c);
        ReentrantLock writeLock = new ReentrantLock();
        Connection conn;
        try {
            if (address instanceof ListenAddress.Tcp) {
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            conn = server.connect(peer, frame -> write(c, writeLock, frame));
        } catch (IOException | IllegalStateException e) {
            closeQuietly(c);
            clients.remove(c);
            return;
        }
        LOG.log(Level.INFO, "{0}: connected", peer);
        Reader r = new Reader(c, conn, peer);
        conn.readerRescue(() -> Thread.ofPlatform().daemon().name("hvl9p-conn").start(r::read));
        r.read();
    }

    /**
     * The reading side of one connection. Whichever thread holds the reader role runs {@link
     * #read}; frames are split off into {@code pending} first and handed to the connection one by
     * one, so that when a request running inline is slow and the role passes to a new thread
     * ({@link Connection#readerRescue}), the new thread simply carries on with {@code pending},
     * the decoder and the socket.
     */
    private final class Reader {
        private final SocketChannel c;
        private final Connection conn;
        private final String peer;
        private final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
        private final FrameDecoder decoder;
        private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();

        Reader(SocketChannel c, Connection conn, String peer) {
            this.c = c;
            this.conn = conn;
            this.peer = peer;
            this.decoder = new FrameDecoder(server.config().maxMsize());
        }

        void read() {
            try {
                while (!closed && !conn.isClosed()) {
                    ByteBuffer frame;
                    while ((frame = pending.poll()) != null) {
                        if (!conn.receive(frame)) {
                            return; // another thread reads on; this one only finished a request
                        }
                        decoder.maxFrameSize(conn.maxFrameSize());
                    }
                    in.clear();
                    if (c.read(in) < 0) {
                        break;
                    }
                    in.flip();
                    decoder.feed(in, pending::add);
                }
            } catch (MalformedMessageException e) {
                // The stream itself is broken (an impossible size): there is no frame boundary left.
                LOG.log(Level.WARNING, "{0}: {1}; closing", peer, e.getMessage());
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0}: {1}", peer, e.getMessage());
            }
            conn.close();
            closeQuietly(c);
            clients.remove(c);
            LOG.log(Level.INFO, "{0}: disconnected", peer);
        }
    }

    private static void write(SocketChannel c, ReentrantLock lock, EncodedFrame frame) throws IOException {
        ByteBuffer[] bufs = frame.buffers();
        lock.lock();
        try {
            long left = 0;
            for (ByteBuffer b : bufs) {
                left += b.remaining();
            }
            while (left > 0) {
                left -= c.write(bufs);
            }
        } finally {
            lock.unlock();
        }
    }

    private String peerName(SocketChannel c) {
        try {
            var a = c.getRemoteAddress();
            if (a instanceof InetSocketAddress i) {
                return i.getAddress().getHostAddress() + ":" + i.getPort();
            }
        } catch (IOException ignored) {
            // fall through
        }
        // Unix-domain peers have no address of their own: number them, so that the log and
        // --trace lines of two clients on one socket can be told apart.
        return address + "#" + unixPeers.incrementAndGet();
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Stops accepting and closes every connection of this listener (their fids are released). */
    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        for (SocketChannel c : clients) {
            closeQuietly(c);
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (address instanceof ListenAddress.Unix u) {
            try {
                Files.deleteIfExists(u.path());
            } catch (IOException ignored) {
                // left behind; the next start replaces a stale socket
            }
        }
    }
}

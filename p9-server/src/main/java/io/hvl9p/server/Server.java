package io.hvl9p.server;

import io.hvl9p.server.session.Session;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The 9P2000.L server: its configuration, the worker threads that run requests and the live
 * connections. Every transport (TCP, Unix sockets, virtio-9p) obtains a {@link Connection} from
 * {@link #connect} and feeds it whole frames.
 */
public final class Server implements AutoCloseable {
    private final ServerConfig config;
    private final ExecutorService workers;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private final Thread watchdog;

    private Server(ServerConfig config) {
        this.config = config;
        this.watchdog = config.inlineWhenIdle()
                ? Thread.ofPlatform().daemon().name("hvl9p-watchdog").start(this::watch)
                : null;
        AtomicInteger n = new AtomicInteger();
        // Platform threads on purpose: requests switch the thread's fsuid/fsgid/groups, which are
        // per OS thread; a virtual thread could migrate between carriers in the middle of one.
        this.workers = new ThreadPoolExecutor(
                config.workers(), config.workers(), 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "hvl9p-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public static Server start(ServerConfig config) {
        return new Server(config);
    }

    /** Every millisecond: hands a connection's reading to a new thread if an inline request is stuck. */
    private void watch() {
        while (!closed) {
            LockSupport.parkNanos(1_000_000L);
            long now = System.nanoTime();
            for (Connection c : connections) {
                c.checkStall(now);
            }
        }
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * A new connection (one 9P session) for a peer; {@code peer} names it in logs and traces.
     * Metadata requests on an idle connection run inline on the thread that calls {@link
     * Connection#receive} when the transport has given a {@link Connection#readerRescue} and
     * that thread is a platform thread ({@link ServerConfig#inlineWhenIdle}).
     *
     * @throws IllegalStateException if the server is closed
     */
    public Connection connect(String peer, FrameSink sink) {
        return connect(peer, sink, config.maxMsize());
    }

    /**
     * A new connection whose msize is capped at {@code maxMsize} as well as by the server (a
     * transport with limited buffers, such as a virtio device with little memory).
     *
     * @throws IllegalStateException if the server is closed
     * @throws IllegalArgumentException if {@code maxMsize < 4096}
     */
    public Connection connect(String peer, FrameSink sink, int maxMsize) {
        if (closed) {
            throw new IllegalStateException("server closed");
        }
        Connection c = new Connection(this, new Session(config, peer, maxMsize), peer, sink, workers);
        connections.add(c);
        return c;
    }

    void forget(Connection c) {
        connections.remove(c);
    }

    /** The connections open now. */
    public int connectionCount() {
        return connections.size();
    }

    /** A snapshot of the connections open now (for leak checks and diagnostics). */
    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** Closes every connection (releasing their fids), stops the workers and closes the backends. */
    @Override
    public void close() {
        closed = true;
        for (Connection c : connections) {
            c.close();
        }
        workers.shutdown();
        try {
            if (watchdog != null) {
                watchdog.join(1000); // it sees closed within its 1 ms tick
            }
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        for (var b : config.exports().values()) {
            b.close();
        }
    }
}

package io.hvl9p.server.contract;

import io.hvl9p.server.Connection;
import io.hvl9p.server.Server;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.net.ListenAddress;
import io.hvl9p.server.net.SocketListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Servers on Unix sockets, their clients, and the leak check run after every test.
 *
 * <p>Three descriptor snapshots: {@code before} (no server), {@code serving} (the servers up, no
 * connection) and now. After the test, the fixture clunks what the clients still hold and
 * requires every connection's fid table to be empty; closes the clients and waits for the server
 * side to come back to {@code serving} (connections end asynchronously); closes the servers and
 * waits for {@code before}.
 */
final class ContractFixture {
    /** The default msize of the clients: 64 KiB of payload and the I/O header. */
    static final int MSIZE = 65536 + 24;

    private static boolean warmedUp;

    private final BackendUnderTest backend;
    private final Path sockets;
    private final Map<Integer, String> before;
    private final Map<Integer, String> serving;
    private final List<Served> servers = new ArrayList<>();
    private final List<TestClient> clients = new ArrayList<>();
    private final List<Path> scratch = new ArrayList<>();
    private final Served main;

    /** One server and its listener. */
    record Served(Server server, SocketListener listener, Path socket) {}

    private ContractFixture(BackendUnderTest backend, Path export, Path sockets) {
        this.backend = backend;
        this.sockets = sockets;
        warmUp(backend);
        this.before = Host.fds();
        this.serving = new TreeMap<>(before);
        this.main = serve(Map.of("main", export));
    }

    /** Starts the main server: {@code export} served as "main". */
    static ContractFixture start(BackendUnderTest backend, Path export, Path sockets) {
        return new ContractFixture(backend, export, sockets);
    }

    Served main() {
        return main;
    }

    /**
     * The JDK opens some descriptors once per JVM, on first use: the virtual-thread I/O pollers the
     * listener's readers park on. A throwaway server opens them before the first snapshot.
     */
    private static synchronized void warmUp(BackendUnderTest backend) {
        if (warmedUp) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("hvl9p-warmup");
            Path sock = dir.resolve("s");
            Server s = Server.start(ServerConfig.builder()
                    .export("w", backend.open().apply(dir))
                    .workers(1)
                    .build());
            SocketListener l = SocketListener.start(s, ListenAddress.parse("unix:" + sock));
            try (TestClient c = TestClient.connect(sock, MSIZE)) {
                c.attachRoot("w");
                c.getattr(c.root());
            }
            Poll.until("warm-up connection closed", s::connectionCount, n -> n == 0);
            l.close();
            s.close();
            Files.deleteIfExists(sock);
            Files.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        warmedUp = true;
    }

    /** Starts another server with these exports (name to directory); checked and closed with the rest. */
    Served serve(Map<String, Path> exports) {
        Map<Integer, String> pre = Host.fds();
        ServerConfig.Builder b = ServerConfig.builder().workers(4);
        for (var e : new TreeMap<>(exports).entrySet()) {
            b.export(e.getKey(), backend.open().apply(e.getValue()));
        }
        Server server = Server.start(b.build());
        Path socket = sockets.resolve("9p-" + servers.size() + ".sock");
        SocketListener listener;
        try {
            listener = SocketListener.start(server, ListenAddress.parse("unix:" + socket));
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(e);
        }
        Served s = new Served(server, listener, socket);
        servers.add(s);
        Map<Integer, String> post = Host.fds();
        post.keySet().removeAll(pre.keySet());
        serving.putAll(post);
        return s;
    }

    /** A temporary directory below {@code parent} (another file system, say), deleted at the end. */
    Path scratchDir(Path parent) {
        try {
            Path d = Files.createTempDirectory(parent, "hvl9p-contract");
            scratch.add(d);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client of the main server, attached as root to "main". */
    TestClient client() {
        return client(main, MSIZE, "main");
    }

    /** A client of {@code s} with its own msize, attached to {@code aname}. */
    TestClient client(Served s, int msize, String aname) {
        TestClient c = connect(s, msize);
        c.attachRoot(aname);
        return c;
    }

    /** A client of {@code s} that has negotiated the version and attached nothing. */
    TestClient connect(Served s, int msize) {
        TestClient c = TestClient.connect(s.socket(), msize);
        clients.add(c);
        return c;
    }

    /** The fids the servers hold now, over all connections. */
    int serverFids() {
        int n = 0;
        for (Served s : servers) {
            for (Connection c : s.server().connections()) {
                n += c.fidCount();
            }
        }
        return n;
    }

    /** The leak check; closes everything whatever it finds. */
    void closeAndCheckLeaks() {
        try {
            for (TestClient c : clients) {
                if (!c.isClosed()) {
                    c.clunkAll();
                }
            }
            Poll.until(
                    "the server holds no fid once the client has clunked all it knew of",
                    this::serverFids,
                    n -> n == 0);
            clients.forEach(TestClient::close);
            for (Served s : servers) {
                Poll.until("connections ended", s.server()::connectionCount, n -> n == 0);
            }
            awaitDescriptors("with the connections closed", serving);
        } finally {
            clients.forEach(TestClient::close);
            for (Served s : servers) {
                s.listener().close();
                s.server().close();
            }
            deleteScratch();
        }
        awaitDescriptors("with the servers closed", before);
    }

    private static void awaitDescriptors(String when, Map<Integer, String> expected) {
        try {
            Poll.until("descriptors back to the baseline " + when, Host::fds, fds -> fds.equals(expected));
        } catch (AssertionError e) {
            throw new AssertionError(
                    "descriptors not back to the baseline " + when + ": " + diff(expected, Host.fds()), e);
        }
    }

    private void deleteScratch() {
        for (Path d : scratch) {
            try (Stream<Path> s = Files.walk(d)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** For failure messages: the descriptors that differ from {@code expected}. */
    static Map<String, Object> diff(Map<Integer, String> expected, Map<Integer, String> now) {
        Map<String, Object> d = new LinkedHashMap<>();
        Map<Integer, String> extra = new TreeMap<>(now);
        expected.forEach(extra::remove);
        Map<Integer, String> missing = new TreeMap<>(expected);
        now.forEach(missing::remove);
        d.put("extra", extra);
        d.put("missing", missing);
        return d;
    }
}

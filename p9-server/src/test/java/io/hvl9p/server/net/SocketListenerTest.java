package io.hvl9p.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.protocol.client.SocketFrameChannel;
import io.hvl9p.server.FakeBackend;
import io.hvl9p.server.Poll;
import io.hvl9p.server.Server;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.spi.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** 9P over TCP and Unix-domain sockets: real sockets, the protocol's own client, a fake backend. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketListenerTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final FakeBackend backend = new FakeBackend();
    private Server server;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = Server.start(ServerConfig.builder()
                .export("fake", backend)
                .users((u, n) -> Identity.ROOT)
                .workers(8)
                .build());
    }

    @AfterEach
    void stopServer() throws Exception {
        backend.releaseAll();
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        server.close();
    }

    private SocketListener listen(String address) throws IOException {
        SocketListener l = SocketListener.start(server, SocketListener.parse(address));
        toClose.add(l);
        return l;
    }

    private ListenAddress listenOn(String transport) throws IOException {
        return switch (transport) {
            case "tcp" -> listen("tcp:127.0.0.1:0").address();
            case "unix" -> listen("unix:" + dir.resolve("9p.sock")).address();
            default -> throw new IllegalArgumentException(transport);
        };
    }

    private P9Client connect(ListenAddress a) throws IOException {
        SocketFrameChannel ch = SocketFrameChannel.connect(a.socketAddress());
        P9Client c = P9Client.connect(ch, 65536, CLIENT_TIMEOUT);
        toClose.add(c);
        return c;
    }

    private static Fid attach(P9Client c) throws IOException {
        Fid root = c.newFid();
        c.call(
                new TMessage.Tattach(root, Fid.NOFID, P9String.of("root"), P9String.of("fake"), MiscConstants.NONUNAME),
                RMessage.Rattach.class);
        return root;
    }

    private static Fid walk(P9Client c, Fid from, String name) throws IOException {
        Fid f = c.newFid();
        c.call(new TMessage.Twalk(from, f, List.of(P9Name.of(name))), RMessage.Rwalk.class);
        return f;
    }

    private static RMessage.Rgetattr getattr(P9Client c, Fid f) throws IOException {
        return c.call(new TMessage.Tgetattr(f, GetattrMask.ALL), RMessage.Rgetattr.class);
    }

    private void awaitNoConnectionsAndNoLeaks() {
        Poll.until(
                () -> server.connectionCount() == 0 && backend.leaks() == 0,
                () -> "connections " + server.connectionCount() + ", nodes/files open " + backend.leaks());
    }

    @Test
    void twoUnixClientsHaveTheirOwnNamesInTheTrace() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Server traced = Server.start(ServerConfig.builder()
                        .export("fake", backend)
                        .users((u, n) -> Identity.ROOT)
                        .trace(lines::add)
                        .build());
                SocketListener l = SocketListener.start(traced, SocketListener.parse("unix:" + dir.resolve("t.sock")));
                P9Client one = P9Client.connect(
                        SocketFrameChannel.connect(l.address().socketAddress()), 8192, CLIENT_TIMEOUT);
                P9Client two = P9Client.connect(
                        SocketFrameChannel.connect(l.address().socketAddress()), 8192, CLIENT_TIMEOUT)) {
            attach(one);
            attach(two);
            List<String> peers = lines.stream()
                    .filter(x -> x.contains("> Tattach"))
                    .map(x -> x.substring(0, x.indexOf(' ')))
                    .distinct()
                    .toList();
            assertThat(peers).hasSize(2).allMatch(p -> p.startsWith("unix:"));
        }
    }

    /**
     * On an idle connection a getattr runs inline on the reader thread; if it is stuck there, the
     * watchdog hands reading to a new thread, so a second request on the same connection is
     * answered while the first is still held (regression guard for the inline fast path: one slow
     * request must never stall its session).
     */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unix"})
    void aStuckInlineRequestDoesNotStallItsConnection(String transport) throws Exception {
        P9Client c = connect(listenOn(transport));
        Fid root = attach(c);
        Fid slow = walk(c, root, "slow");
        Fid fast = walk(c, root, "fast");
        FakeBackend.Gate gate = backend.gate("slow");
        CompletableFuture<Frame<RMessage>> held = c.send(new TMessage.Tgetattr(slow, GetattrMask.ALL));
        gate.awaitEntered();
        assertThat(backend.lastGetattrThread("slow"))
                .as("the idle connection's getattr ran on its reader thread")
                .startsWith("hvl9p-conn");
        RMessage.Rgetattr r = getattr(c, fast); // answered although the inline one is held
        assertThat(r.qid().path()).isNotEqualTo(0L);
        assertThat(held).isNotDone();
        gate.release();
        assertThat(held.get(10, TimeUnit.SECONDS).message()).isInstanceOf(RMessage.Rgetattr.class);
        assertThat(getattr(c, slow)).isNotNull(); // and the connection goes on
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unix"})
    void severalClientsWorkAtOnce(String transport) throws Exception {
        ListenAddress a = listenOn(transport);
        int clients = 6;
        CyclicBarrier together = new CyclicBarrier(clients);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String name = "file" + i;
            threads.add(Thread.ofPlatform().name("client-" + i).start(() -> {
                try (P9Client c =
                        P9Client.connect(SocketFrameChannel.connect(a.socketAddress()), 65536, CLIENT_TIMEOUT)) {
                    Fid root = attach(c);
                    together.await(10, TimeUnit.SECONDS); // all connected at the same time
                    for (int n = 0; n < 50; n++) {
                        Fid f = walk(c, root, name);
                        assertThat(getattr(c, f).mode()).isEqualTo(0100644);
                        c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            Poll.join(t);
        }
        assertThat(failures).isEmpty();
        assertThat(backend.getattrCalls("file0")).isEqualTo(50);
        awaitNoConnectionsAndNoLeaks();
    }

    @Test
    void addressesParseAndPrintBack() {
        assertThat(SocketListener.parse("tcp:[::1]:564")).isEqualTo(new ListenAddress.Tcp("::1", 564));
        assertThat(SocketListener.parse("tcp:[::1]:564")).hasToString("tcp:[::1]:564");
        assertThat(SocketListener.parse("tcp:0.0.0.0:564")).hasToString("tcp:0.0.0.0:564");
        assertThat(SocketListener.parse("unix:/run/9p.sock"))
                .isEqualTo(new ListenAddress.Unix(Path.of("/run/9p.sock")));
        assertThatThrownBy(() -> SocketListener.parse("tcp::564")).hasMessageContaining("empty host");
        assertThatThrownBy(() -> SocketListener.parse("tcp:[::1]")).hasMessageContaining("no port");
        assertThatThrownBy(() -> SocketListener.parse("tcp:h:65536"))
                .hasMessage("'tcp:h:65536': port 65536 (expected: 0 .. 65535)");
    }

    @Test
    void tcpListenerReportsThePortItGot() throws Exception {
        ListenAddress a = listen("tcp:127.0.0.1:0").address();
        assertThat(a).isInstanceOfSatisfying(ListenAddress.Tcp.class, t -> {
            assertThat(t.host()).isEqualTo("127.0.0.1");
            assertThat(t.port()).isPositive();
        });
        assertThat(a.toString()).matches("tcp:127\\.0\\.0\\.1:[1-9][0-9]*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unix"})
    void clientDisconnectingMidRequestReleasesItsFidsAndOthersGoOn(String transport) throws Exception {
        ListenAddress a = listenOn(transport);
        P9Client other = connect(a);
        Fid otherRoot = attach(other);

        FakeBackend.Gate gate = backend.gate("slow");
        P9Client leaving = connect(a);
        Fid root = attach(leaving);
        Fid slow = walk(leaving, root, "slow");
        CompletableFuture<Frame<RMessage>> pending = leaving.send(new TMessage.Tgetattr(slow, GetattrMask.ALL));
        gate.awaitEntered();
        leaving.close();

        // The other connection is not held up by the one that is closing.
        assertThat(getattr(other, otherRoot).mode()).isEqualTo(040755);
        assertThat(pending).isCompletedExceptionally();
        gate.release();
        Poll.until(() -> server.connectionCount() == 1, () -> "connections " + server.connectionCount());
        assertThat(getattr(other, otherRoot)).isNotNull();
        other.close();
        awaitNoConnectionsAndNoLeaks();
    }

    @Test
    void staleUnixSocketIsReplaced() throws Exception {
        Path p = dir.resolve("stale.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(p));
        }
        assertThat(p).exists(); // closing a Unix listener leaves its file behind
        SocketListener l = listen("unix:" + p);
        P9Client c = connect(l.address());
        assertThat(getattr(c, attach(c)).mode()).isEqualTo(040755);
    }

    @Test
    void unixSocketSomebodyListensOnIsNotTakenOver() throws Exception {
        Path p = dir.resolve("live.sock");
        SocketListener first = listen("unix:" + p);
        IOException e = catchThrowableOfType(
                IOException.class, () -> SocketListener.start(server, SocketListener.parse("unix:" + p)));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains(p.toString()).contains("listening");
        P9Client c = connect(first.address());
        assertThat(getattr(c, attach(c))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"regular file", "directory", "fifo", "symlink to a file"})
    void somethingElseAtTheSocketPathIsRefusedAndLeftAlone(String kind) throws Exception {
        Path p = dir.resolve("taken");
        switch (kind) {
            case "regular file" -> Files.writeString(p, "precious");
            case "directory" -> Files.createDirectory(p);
            case "fifo" -> {
                Process mk = new ProcessBuilder("mkfifo", p.toString()).start();
                assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(mk.exitValue()).isZero();
            }
            case "symlink to a file" -> {
                Files.writeString(dir.resolve("target"), "precious");
                Files.createSymbolicLink(p, dir.resolve("target"));
            }
            default -> throw new IllegalArgumentException(kind);
        }
        Object before = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertThatThrownBy(() -> SocketListener.start(server, SocketListener.parse("unix:" + p)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("not a socket");
        assertThat(Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .as("the file is left as it was")
                .isEqualTo(before);
        if (kind.equals("regular file")) {
            assertThat(Files.readString(p)).isEqualTo("precious");
        }
    }

    @Test
    void hostThatDoesNotResolveIsAnIoErrorNamingTheAddress() {
        assertThatThrownBy(() -> SocketListener.start(server, SocketListener.parse("tcp:no-such-host.invalid:0")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("tcp:no-such-host.invalid:0")
                .hasMessageContaining("cannot resolve");
    }

    @Test
    void closeEndsEveryConnectionAndRemovesTheSocketFile() throws Exception {
        Path p = dir.resolve("close.sock");
        SocketListener unix = listen("unix:" + p);
        SocketListener tcp = listen("tcp:127.0.0.1:0");
        List<P9Client> clients = new ArrayList<>();
        for (ListenAddress a : List.of(unix.address(), tcp.address(), unix.address())) {
            P9Client c = connect(a);
            walk(c, attach(c), "held");
            clients.add(c);
        }
        assertThat(server.connectionCount()).isEqualTo(3);
        unix.close();
        tcp.close();
        awaitNoConnectionsAndNoLeaks();
        assertThat(p).doesNotExist();
        for (P9Client c : clients) {
            assertThatThrownBy(() -> attach(c)).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> SocketChannel.open(tcp.address().socketAddress()))
                .isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 3, 6, 0xffffffffL, ServerConfig.DEFAULT_MAX_MSIZE + 1L})
    void impossibleFrameSizeClosesOnlyThatConnection(long size) throws Exception {
        ListenAddress a = listen("tcp:127.0.0.1:0").address();
        P9Client good = connect(a);
        Fid root = attach(good);
        InetSocketAddress isa = (InetSocketAddress) a.socketAddress();
        try (Socket bad = new Socket(isa.getAddress(), isa.getPort())) {
            bad.setSoTimeout(10_000);
            ByteBuffer b = ByteBuffer.allocate(11).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt((int) size).put((byte) 120).putShort((short) 1).putInt(0);
            bad.getOutputStream().write(b.array());
            InputStream in = bad.getInputStream();
            assertThat(in.read()).as("the server closes the broken stream").isEqualTo(-1);
        }
        assertThat(getattr(good, root).mode()).isEqualTo(040755);
        Poll.until(() -> server.connectionCount() == 1, () -> "connections " + server.connectionCount());
    }
}

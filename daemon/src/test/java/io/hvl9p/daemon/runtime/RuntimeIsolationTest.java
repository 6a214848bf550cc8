package io.hvl9p.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.protocol.client.P9ErrorException;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runtimes served at once, one per layout, each with its own export and console: each works on
 * its own export, and nothing runtime A sends reaches runtime B's files or console.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeIsolationTest {
    @TempDir
    Path tmp;

    private Runtimes runtimes;
    private Path dirA;
    private Path dirB;
    private Runtimes.Served a;
    private Runtimes.Served b;

    @BeforeEach
    void setUp() throws IOException {
        dirA = Files.createDirectory(tmp.resolve("A"));
        dirB = Files.createDirectory(tmp.resolve("B"));
        Files.writeString(dirA.resolve("hello.txt"), "hello from A\n");
        Files.writeString(dirB.resolve("hello.txt"), "hello from B\n");
        Files.writeString(dirB.resolve("secret.txt"), "B's secret\n");
        Files.createDirectory(dirB.resolve("sub"));
        Files.createSymbolicLink(dirA.resolve("abs"), dirB.toAbsolutePath());
        Files.createSymbolicLink(dirA.resolve("rel"), Path.of("../B"));
        Files.createSymbolicLink(
                dirA.resolve("absfile"), dirB.resolve("secret.txt").toAbsolutePath());
        Files.createSymbolicLink(dirA.resolve("relfile"), Path.of("../B/secret.txt"));
        runtimes = new Runtimes(tmp);
        a = runtimes.serve("rtA", PoolLayout.Kind.DTB, Map.of("a", dirA), true, null, null);
        b = runtimes.serve("rtB", PoolLayout.Kind.PACKED, Map.of("b", dirB), true, null, null);
    }

    @AfterEach
    void tearDown() {
        runtimes.close();
    }

    @Test
    void bothRuntimesWorkConcurrentlyEachOnItsOwnExportAndConsole() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Integer> ra = runAfter(go, a, "hello from rtA", "A wrote this\n");
        CompletableFuture<Integer> rb = runAfter(go, b, "hello from rtB", "B wrote this\n");
        go.countDown();
        assertThat(ra.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(rb.get(30, TimeUnit.SECONDS)).isZero();

        assertThat(dirA.resolve("from-rtA.txt")).hasContent("A wrote this\n");
        assertThat(dirB.resolve("from-rtB.txt")).hasContent("B wrote this\n");
        assertThat(dirA.resolve("from-rtB.txt")).doesNotExist();
        assertThat(dirB.resolve("from-rtA.txt")).doesNotExist();
        assertThat(a.opened()).containsExactly("a");
        assertThat(b.opened()).containsExactly("b");

        Runtimes.awaitLine(a, "[rtA] 9p a: wrote from-rtA.txt (13 bytes), read back ok");
        Runtimes.awaitLine(b, "[rtB] 9p b: wrote from-rtB.txt (13 bytes), read back ok");
        assertThat(a.stdout())
                .as("A's console: whole lines, prefixed rtA, nothing of B")
                .containsExactly(
                        "[rtA] hello from rtA",
                        "[rtA] 9p a: mounted, 9P2000.L msize 65536",
                        "[rtA] 9p a: ls / -> abs absfile hello.txt rel relfile",
                        "[rtA] 9p a: cat hello.txt -> hello from A",
                        "[rtA] 9p a: wrote from-rtA.txt (13 bytes), read back ok");
        assertThat(b.stdout())
                .as("B's console: whole lines, prefixed rtB, nothing of A")
                .containsExactly(
                        "[rtB] hello from rtB",
                        "[rtB] 9p b: mounted, 9P2000.L msize 65536",
                        "[rtB] 9p b: ls / -> hello.txt secret.txt sub/",
                        "[rtB] 9p b: cat hello.txt -> hello from B",
                        "[rtB] 9p b: wrote from-rtB.txt (13 bytes), read back ok");
    }

    private CompletableFuture<Integer> runAfter(CountDownLatch go, Runtimes.Served s, String hello, String text) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Thread.ofPlatform().name("sim-" + s.host().spec().name()).start(() -> {
            try {
                RuntimeSim sim = runtimes.attach(s);
                go.await();
                f.complete(sim.run(new RuntimeSim.Script(hello, true, 0, text)));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Every path under {@code d} with its content (or its link target), to compare before and after. */
    private static Map<String, String> snapshot(Path d) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.toList()) {
                String v = Files.isSymbolicLink(p)
                        ? "-> " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p) ? "dir" : Files.readString(p);
                m.put(d.relativize(p).toString(), v);
            }
        }
        return m;
    }

    private static int errno(ThrowingCall call) {
        P9ErrorException e = catchThrowableOfType(P9ErrorException.class, call::run);
        assertThat(e).as("the request must fail with an Rlerror").isNotNull();
        return e.errno();
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    private static Fid walk(P9Client c, Fid from, String... names) throws IOException {
        Fid f = c.newFid();
        c.call(new TMessage.Twalk(from, f, Stream.of(names).map(P9Name::of).toList()), RMessage.Rwalk.class);
        return f;
    }

    /**
     * A walk through a symlink stops at the link: a partial Rwalk (one qid, the link's; newfid not
     * made, as 9P has it) or an Rlerror with ELOOP or ENOENT; never a fid on B's file.
     */
    private static void assertWalkStopsAtTheLink(P9Client c, Fid root, String link, String name) throws IOException {
        Fid f = c.newFid();
        TMessage.Twalk w = new TMessage.Twalk(root, f, List.of(P9Name.of(link), P9Name.of(name)));
        try {
            RMessage.Rwalk r = c.call(w, RMessage.Rwalk.class);
            assertThat(r.qids()).as("walk %s/%s stops at the link", link, name).hasSize(1);
            assertThat(errno(() -> c.call(new TMessage.Tgetattr(f, GetattrMask.BASIC), RMessage.Rgetattr.class)))
                    .as("a partial walk makes no newfid")
                    .isNotZero();
        } catch (P9ErrorException e) {
            assertThat(e.errno()).as("walk %s/%s", link, name).isIn(Errno.ELOOP, Errno.ENOENT);
        }
    }

    @Test
    void runtimeACannotReachRuntimeBsFiles() throws Exception {
        RuntimeSim sim = runtimes.attach(a);
        try (P9Client c = sim.client(sim.ninepDevices().getFirst())) {
            assertCannotReachB(c);
        }
    }

    /**
     * The same attempts from a socket client of runtime A: a TCP listener whose server holds A's
     * export under its policy decorator, as {@code serve --config} builds a listener bound to A,
     * while runtime B is served over shared memory.
     */
    @Test
    void aTcpClientOfRuntimeACannotReachRuntimeBsFilesEither() throws Exception {
        io.hvl9p.server.Server server = io.hvl9p.server.Server.start(io.hvl9p.server.ServerConfig.builder()
                .export(
                        "a",
                        io.hvl9p.exports.policy.PolicyBackend.wrap(
                                io.hvl9p.server.linux.LinuxBackend.open(
                                        dirA, io.hvl9p.server.linux.LinuxBackend.Options.defaults()),
                                io.hvl9p.exports.policy.ExportPolicy.plain("a", dirA)))
                .build());
        try (server;
                io.hvl9p.server.net.SocketListener l = io.hvl9p.server.net.SocketListener.start(
                        server, new io.hvl9p.server.net.ListenAddress.Tcp("127.0.0.1", 0));
                P9Client c = P9Client.connect(
                        io.hvl9p.protocol.client.SocketFrameChannel.tcp(
                                "127.0.0.1", ((io.hvl9p.server.net.ListenAddress.Tcp) l.address()).port()),
                        65536 + 24,
                        java.time.Duration.ofSeconds(10))) {
            assertCannotReachB(c);
        }
    }

    private void assertCannotReachB(P9Client c) throws Exception {
        Map<String, String> before = snapshot(dirB);
        {
            assertThat(errno(() -> NineOps.attach(c, "b")))
                    .as("Tattach aname b")
                    .isEqualTo(Errno.ENOENT);
            assertThat(errno(() -> NineOps.attach(c, dirB.toString())))
                    .as("Tattach B's path")
                    .isEqualTo(Errno.ENOENT);
            Fid root = NineOps.attach(c, "a");
            var rootQid = c.call(new TMessage.Tgetattr(root, GetattrMask.BASIC), RMessage.Rgetattr.class)
                    .qid();

            for (String link : List.of("abs", "rel")) {
                assertWalkStopsAtTheLink(c, root, link, "secret.txt");
                assertWalkStopsAtTheLink(c, root, link, "sub");
            }
            for (String link : List.of("absfile", "relfile", "abs", "rel")) {
                Fid l = walk(c, root, link); // the link itself, never its target
                var attr = c.call(new TMessage.Tgetattr(l, GetattrMask.BASIC), RMessage.Rgetattr.class);
                assertThat(attr.mode() & 0170000)
                        .as("%s is seen as a symlink", link)
                        .isEqualTo(0120000);
                assertThat(errno(() -> c.call(new TMessage.Tlopen(l, OpenFlags.RDONLY), RMessage.Rlopen.class)))
                        .as("Tlopen %s", link)
                        .isIn(Errno.ELOOP, Errno.ENOENT);
                c.call(new TMessage.Tclunk(l), RMessage.Rclunk.class);
            }
            Fid up = walk(c, root, "..");
            assertThat(c.call(new TMessage.Tgetattr(up, GetattrMask.BASIC), RMessage.Rgetattr.class)
                            .qid())
                    .as(".. of the export's root is the root")
                    .isEqualTo(rootQid);
            RMessage.Rwalk upB = c.call(
                    new TMessage.Twalk(
                            root, c.newFid(), List.of(P9Name.DOTDOT, P9Name.of("B"), P9Name.of("secret.txt"))),
                    RMessage.Rwalk.class);
            assertThat(upB.qids())
                    .as("../B: .. stays at the root, which has no B")
                    .hasSize(1);

            Fid abs = walk(c, root, "abs");
            Fid rel = walk(c, root, "rel");
            Fid hello = walk(c, root, "hello.txt");
            for (Fid linkDir : List.of(abs, rel)) {
                assertThat(errno(() -> c.call(
                                new TMessage.Trenameat(root, P9Name.of("hello.txt"), linkDir, P9Name.of("stolen")),
                                RMessage.Rrenameat.class)))
                        .as("Trenameat into a link to B")
                        .isIn(Errno.ENOTDIR, Errno.ELOOP, Errno.EXDEV, Errno.ENOENT);
                assertThat(errno(() -> c.call(
                                new TMessage.Trename(hello, linkDir, P9Name.of("stolen")), RMessage.Rrename.class)))
                        .as("Trename into a link to B")
                        .isIn(Errno.ENOTDIR, Errno.ELOOP, Errno.EXDEV, Errno.ENOENT);
                assertThat(errno(() ->
                                c.call(new TMessage.Tlink(linkDir, hello, P9Name.of("planted")), RMessage.Rlink.class)))
                        .as("Tlink into a link to B")
                        .isIn(Errno.ENOTDIR, Errno.ELOOP, Errno.EXDEV, Errno.ENOENT);
                assertThat(errno(() -> c.call(
                                new TMessage.Tmkdir(linkDir, P9Name.of("made"), 0755, 0), RMessage.Rmkdir.class)))
                        .as("Tmkdir in a link to B")
                        .isIn(Errno.ENOTDIR, Errno.ELOOP, Errno.EXDEV, Errno.ENOENT);
            }
            assertThat(errno(() -> c.call(
                            new TMessage.Trenameat(root, P9Name.of("hello.txt"), root, P9Name.of("..")),
                            RMessage.Rrenameat.class)))
                    .as("renaming onto ..")
                    .isNotZero();
        }
        assertThat(snapshot(dirB)).as("B's directory after A's attempts").isEqualTo(before);
        assertThat(dirA.resolve("hello.txt")).as("A's file stayed where it was").hasContent("hello from A\n");
        assertThat(b.stdout()).as("nothing reached B's console").isEmpty();
    }
}

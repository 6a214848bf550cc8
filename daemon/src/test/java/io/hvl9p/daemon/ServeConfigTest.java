package io.hvl9p.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hvl9p.daemon.runtime.NineOps;
import io.hvl9p.daemon.runtime.RuntimeSim;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.protocol.client.P9ErrorException;
import io.hvl9p.protocol.client.SocketFrameChannel;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hvl9p serve --config FILE}: runtimes and listeners from one file, every export under its
 * policy on both transports (a runtime's 9p device and the TCP listener bound to its runtime), one
 * runtime's listener unable to reach another runtime's export, and a broken file refused with its
 * FILE:LINE errors before anything starts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeConfigTest {
    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private String pool;
    private ServeCommandTest.Running serve;
    private Path share;
    private Path fw;

    @BeforeEach
    void setUp() throws IOException {
        pool = "hvl9p-cfgtest-" + ProcessHandle.current().pid();
        share = Files.createDirectory(dir.resolve("share"));
        Files.writeString(share.resolve("hello.txt"), "hello\n");
        fw = Files.createDirectory(dir.resolve("fw"));
        Files.writeString(fw.resolve("image.bin"), "firmware\n");
        Files.createDirectory(fw.resolve("secrets"));
        Files.writeString(fw.resolve("secrets/key"), "k\n");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (serve != null) {
            serve.stop();
        }
        ServeCommand.started = null;
        ServeCommand.stop = null;
        ServeCommand.startedRuntimes = null;
        assertThat(Await.exists(Path.of("/dev/shm", pool + "-a")))
                .as("pool a left")
                .isFalse();
        assertThat(Await.exists(Path.of("/dev/shm", pool + "-b")))
                .as("pool b left")
                .isFalse();
    }

    private Path config() throws IOException {
        String toml =
                """
                [[runtime]]
                name = "a"
                pool = "shm:%1$s-a"
                phys-base = 0x3700_0000
                doorbell = "fifo:%2$s/a"
                [[runtime.export]]
                tag = "share"
                path = "%3$s"

                [[runtime]]
                name = "b"
                pool = "shm:%1$s-b"
                phys-base = 0x3800_0000
                layout = "packed"
                doorbell = "fifo:%2$s/b"
                [[runtime.export]]
                tag = "fw"
                path = "%4$s"
                read-only = true
                deny = ["secrets"]

                [[listener]]
                address = "tcp:127.0.0.1:0"
                runtime = "a"
                [[listener]]
                address = "tcp:127.0.0.1:0"
                runtime = "b"
                """
                        .formatted(pool, dir, share, fw);
        return Files.writeString(dir.resolve("hvl9p.toml"), toml);
    }

    private List<Integer> ports() {
        Matcher m = Pattern.compile("listening on tcp:127\\.0\\.0\\.1:(\\d+)").matcher(serve.out());
        List<Integer> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    private static P9Client tcp(int port) throws IOException {
        return P9Client.connect(SocketFrameChannel.tcp("127.0.0.1", port), 65536 + 24, T);
    }

    @Test
    void theFileStartsRuntimesAndListenersAndItsPoliciesHoldOnBothTransports() throws Exception {
        serve = new ServeCommandTest.Running("--config", config().toString());
        List<Integer> ports = ports();
        assertThat(ports).as("serve printed: %s", serve.out()).hasSize(2);

        // runtime a through shared memory: its read-write export works end to end
        try (RuntimeSim sim = RuntimeSim.attach(
                "a",
                pool + "-a",
                0x37000000L,
                PoolLayout.Kind.DTB,
                "fifo:" + dir.resolve("a"),
                FrontEnd.Options.defaults(),
                T,
                65536)) {
            assertThat(sim.run(new RuntimeSim.Script(null, true, 0, "from a\n")))
                    .isZero();
        }
        assertThat(Files.readString(share.resolve("from-a.txt"))).isEqualTo("from a\n");

        // runtime b's read-only export with a deny glob, over its TCP listener
        try (P9Client c = tcp(ports.get(1))) {
            Fid root = NineOps.attach(c, "fw");
            assertThat(NineOps.list(c, root)).containsExactly("image.bin");
            assertThat(errno(() -> c.call(
                            new TMessage.Twalk(root, c.newFid(), List.of(P9Name.of("secrets"))), RMessage.Rwalk.class)))
                    .isEqualTo(Errno.ENOENT);
            Fid d = c.newFid();
            c.call(new TMessage.Twalk(root, d, List.of()), RMessage.Rwalk.class);
            assertThat(errno(() -> c.call(
                            new TMessage.Tlcreate(d, P9Name.of("new"), OpenFlags.WRONLY | OpenFlags.CREATE, 0644, 0),
                            RMessage.Rlcreate.class)))
                    .isEqualTo(Errno.EROFS);
            assertThat(NineOps.readFile(c, root, "image.bin")).isEqualTo("firmware\n");
        }
        assertThat(fw.resolve("new")).doesNotExist();

        // runtime a's listener does not reach runtime b's export
        try (P9Client c = tcp(ports.get(0))) {
            assertThat(errno(() -> NineOps.attach(c, "fw"))).isEqualTo(Errno.ENOENT);
            Fid root = NineOps.attach(c, "share");
            assertThat(NineOps.list(c, root)).contains("hello.txt", "from-a.txt");
        }
    }

    @Test
    void aBrokenFileIsRefusedWithItsLinesAndStartsNothing() throws IOException {
        Path bad = Files.writeString(
                dir.resolve("bad.toml"),
                """
                [[runtime]]
                name = "a"
                pool = "shm:%s-a"
                colour = "blue"
                """
                        .formatted(pool));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ServeCommand.stop = new CountDownLatch(0);
        int status = new CommandLine(new ServeCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute("--config", bad.toString());
        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains(bad + ":4:").contains("colour").contains("nothing started");
        assertThat(Await.exists(Path.of("/dev/shm", pool + "-a"))).isFalse();
    }

    @Test
    void configDoesNotMixWithExportOptions() throws IOException {
        StringWriter err = new StringWriter();
        int status = new CommandLine(new ServeCommand())
                .setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true))
                .execute("--config", config().toString(), "--export", "x=" + dir);
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("--config describes everything");
    }

    private Path reloadable(boolean fwReadOnly, boolean withLogs) throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        String toml =
                """
                [[runtime]]
                name = "b"
                pool = "shm:%1$s-b"
                phys-base = 0x3800_0000
                layout = "packed"
                doorbell = "fifo:%2$s/b"
                [[runtime.export]]
                tag = "fw"
                path = "%3$s"
                read-only = %4$s
                """
                        .formatted(pool, dir, fw, fwReadOnly);
        if (withLogs) {
            toml +=
                    """
                    [[runtime.export]]
                    tag = "logs"
                    path = "%s"
                    """
                            .formatted(dir.resolve("logs"));
        }
        toml +=
                """
                [[listener]]
                address = "tcp:127.0.0.1:0"
                runtime = "b"
                """;
        return Files.writeString(dir.resolve("reload.toml"), toml);
    }

    private static void mustCreate(P9Client c, Fid root, String name) throws IOException {
        Fid d = c.newFid();
        c.call(new TMessage.Twalk(root, d, List.of()), RMessage.Rwalk.class);
        c.call(
                new TMessage.Tlcreate(d, P9Name.of(name), OpenFlags.WRONLY | OpenFlags.CREATE, 0644, 0),
                RMessage.Rlcreate.class);
        c.call(new TMessage.Tclunk(d), RMessage.Rclunk.class);
    }

    @Test
    void sighupAppliesAValidFileToNewAttachesRevokesWhatIsGoneAndRejectsABrokenOne() throws Exception {
        Path file = reloadable(true, true);
        serve = new ServeCommandTest.Running("--config", file.toString());
        int port = ports().getFirst();
        try (P9Client old = tcp(port)) {
            Fid oldFw = NineOps.attach(old, "fw");
            Fid oldLogs = NineOps.attach(old, "logs");
            assertThat(errno(() -> mustCreate(old, oldFw, "a"))).isEqualTo(Errno.EROFS);

            reloadable(false, false); // fw becomes writable, logs disappears
            new ProcessBuilder(
                            "kill",
                            "-HUP",
                            Long.toString(ProcessHandle.current().pid()))
                    .start()
                    .waitFor();
            Await.until("the reload is reported", () -> serve.out().contains("hvl9p: reloaded"), serve::out);
            assertThat(serve.out()).contains("export b/fw: new policy").contains("export b/logs revoked");

            try (P9Client fresh = tcp(port)) {
                Fid fw2 = NineOps.attach(fresh, "fw");
                mustCreate(fresh, fw2, "created-after-reload");
                assertThat(errno(() -> NineOps.attach(fresh, "logs"))).isEqualTo(Errno.ESTALE);
            }
            assertThat(fw.resolve("created-after-reload")).exists();
            // a session attached before keeps the policy it attached under; a revoked export is gone for it too
            assertThat(errno(() -> mustCreate(old, oldFw, "b"))).isEqualTo(Errno.EROFS);
            assertThat(errno(() -> NineOps.list(old, oldLogs))).isEqualTo(Errno.ESTALE);

            Files.writeString(file, "[[runtime]]\nname = 3\n");
            ServeCommand.reload.run();
            assertThat(serve.err()).contains(file + ":2:").contains("reload of " + file + " rejected");
            try (P9Client fresh = tcp(port)) {
                mustCreate(fresh, NineOps.attach(fresh, "fw"), "still-writable");
            }
        }
    }

    private interface Call {
        void run() throws IOException;
    }

    private static int errno(Call c) {
        P9ErrorException e = catchThrowableOfType(P9ErrorException.class, c::run);
        assertThat(e).as("expected an Rlerror").isNotNull();
        return e.errno();
    }
}

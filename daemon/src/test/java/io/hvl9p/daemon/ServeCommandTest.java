package io.hvl9p.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.protocol.client.P9ErrorException;
import io.hvl9p.protocol.client.SocketFrameChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code hvl9p serve}: argument errors, start-up failures and a real run answering a client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** What one run printed and returned. */
    record Result(int status, String out, String err) {}

    /** A serve running on its own thread; {@link #stop} ends it and returns its result. */
    static final class Running {
        private final Thread thread;
        private final StringWriter out;
        private final StringWriter err;
        private final AtomicInteger status = new AtomicInteger(-1);

        Running(String... args) throws InterruptedException {
            out = new StringWriter();
            err = new StringWriter();
            CountDownLatch started = new CountDownLatch(1);
            ServeCommand.started = started;
            ServeCommand.stop = new CountDownLatch(1);
            CommandLine cmd = command(out, err);
            thread = Thread.ofPlatform().name("serve").start(() -> status.set(cmd.execute(args)));
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (!started.await(10, TimeUnit.MILLISECONDS)) {
                if (!thread.isAlive() || System.nanoTime() - end > 0) {
                    throw new AssertionError("serve did not start: status " + status + ", " + err + out);
                }
            }
        }

        String out() {
            return out.toString();
        }

        String err() {
            return err.toString();
        }

        Result stop() throws InterruptedException {
            ServeCommand.stop.countDown();
            thread.join(DEADLINE);
            assertThat(thread.isAlive()).as("serve still running after stop").isFalse();
            return new Result(status.get(), out.toString(), err.toString());
        }
    }

    private final List<Running> running = new ArrayList<>();

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (Running r : running) {
            r.stop();
        }
        ServeCommand.started = null;
        ServeCommand.stop = null;
    }

    private static CommandLine command(StringWriter out, StringWriter err) {
        return new CommandLine(new ServeCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
    }

    /** Runs serve to its end; should it start after all, it stops at once instead of hanging. */
    private static Result run(String... args) {
        ServeCommand.started = null;
        ServeCommand.stop = new CountDownLatch(0);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = command(out, err).execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    private Running start(String... args) throws InterruptedException {
        Running r = new Running(args);
        running.add(r);
        return r;
    }

    private String export() throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.writeString(data.resolve("hello.txt"), "hello");
        return "data=" + data;
    }

    @ParameterizedTest(name = "--listen {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "foo:1                | 'foo:1' (expected: tcp:HOST:PORT or unix:PATH)",
                "tcp:localhost        | 'tcp:localhost': no port (expected: tcp:HOST:PORT)",
                "tcp:localhost:http   | 'tcp:localhost:http': port 'http' is not a number (expected: tcp:HOST:PORT)",
                "tcp:localhost:       | 'tcp:localhost:': port '' is not a number (expected: tcp:HOST:PORT)",
                "tcp:localhost:70000  | 'tcp:localhost:70000': port 70000 (expected: 0 .. 65535)",
                "tcp::564             | 'tcp::564': empty host (expected: tcp:HOST:PORT",
                "tcp:[::1]            | 'tcp:[::1]': no port (expected: tcp:HOST:PORT)",
                "unix:                | 'unix:': empty socket path (expected: unix:PATH)",
            })
    void badListenAddressExitsWithStatus2AndSaysWhatIsExpected(String listen, String message) throws IOException {
        Result r = run("--listen", listen, "--export", export());
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("hvl9p serve: ").contains(message);
        assertThat(r.out()).isEmpty();
    }

    @ParameterizedTest(name = "--export {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "noequals      | --export 'noequals' (expected: NAME=PATH or NAME=PATH,ro)",
                "=/tmp         | --export '=/tmp' (expected: NAME=PATH or NAME=PATH,ro)",
                "name=         | --export 'name=' (expected: NAME=PATH or NAME=PATH,ro)",
                "a/b=/tmp      | export name 'a/b' (expected: a non-empty name without '/' or NUL)",
            })
    void badExportArgumentExitsWithStatus2AndSaysWhatIsExpected(String export, String message) {
        Result r = run("--listen", "tcp:127.0.0.1:0", "--export", export);
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("hvl9p serve: ").contains(message);
    }

    @Test
    void missingExportDirectoryExitsWithStatus2() {
        Path missing = dir.resolve("no-such-dir");
        Result r = run("--listen", "tcp:127.0.0.1:0", "--export", "data=" + missing);
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--export data: " + missing + " is not a directory");
    }

    @Test
    void exportOfARegularFileExitsWithStatus2() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Result r = run("--listen", "tcp:127.0.0.1:0", "--export", "data=" + file + ",ro");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains(file + " is not a directory");
    }

    @Test
    void exportFlagsAreParsedInAnyOrder() throws IOException {
        Path d = Files.createDirectories(dir.resolve("flags"));
        assertThat(ServeCommand.ExportArg.parse("x=" + d + ",dev,ro"))
                .isEqualTo(new ServeCommand.ExportArg("x", d, true, true));
        assertThat(ServeCommand.ExportArg.parse("x=" + d + ",ro"))
                .isEqualTo(new ServeCommand.ExportArg("x", d, true, false));
        assertThat(ServeCommand.ExportArg.parse("x=" + d)).isEqualTo(new ServeCommand.ExportArg("x", d, false, false));
    }

    @Test
    void exportNameGivenTwiceExitsWithStatus2() throws IOException {
        String e = export();
        Result r = run("--listen", "tcp:127.0.0.1:0", "--export", e, "--export", e + ",ro");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--export data given twice");
    }

    @Test
    void badMaxMsizeExitsWithStatus2() throws IOException {
        Result r = run("--listen", "tcp:127.0.0.1:0", "--export", export(), "--max-msize", "100");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("max msize 100 (expected: 4096 .. 67108864)");
    }

    @Test
    void missingListenExitsWithStatus2() throws IOException {
        Result r = run("--export", export());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--listen");
    }

    @Test
    void portInUseExitsWithStatus1AndAClearMessage() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String addr = "tcp:127.0.0.1:" + taken.getLocalPort();
            Result r = run("--listen", addr, "--export", export());
            assertThat(r.status()).as(r.err()).isEqualTo(1);
            assertThat(r.err())
                    .startsWith("hvl9p serve: cannot listen on " + addr + ": ")
                    .contains("Address already in use");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void hostThatDoesNotResolveExitsWithStatus1AndAClearMessage() throws IOException {
        Result r = run("--listen", "tcp:no-such-host.invalid:564", "--export", export());
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("hvl9p serve: cannot listen on tcp:no-such-host.invalid:564: ")
                .contains("resolve");
    }

    private static P9Client client(SocketFrameChannel ch) throws IOException {
        return P9Client.connect(ch, 65536, DEADLINE);
    }

    private static Fid attach(P9Client c, String aname) throws IOException {
        Fid root = c.newFid();
        c.call(
                new TMessage.Tattach(root, Fid.NOFID, P9String.of("root"), P9String.of(aname), 0),
                RMessage.Rattach.class);
        return root;
    }

    @Test
    void servesAnExportByNameOverTcp() throws Exception {
        Running serve = start("--listen", "tcp:127.0.0.1:0", "--export", export(), "--workers", "2");
        Matcher m = Pattern.compile("hvl9p: listening on tcp:127\\.0\\.0\\.1:(\\d+)")
                .matcher(serve.out());
        assertThat(m.find()).as(serve.out()).isTrue();
        assertThat(serve.out()).contains("hvl9p: export data = " + dir.resolve("data"));
        int port = Integer.parseInt(m.group(1));
        try (P9Client c = client(SocketFrameChannel.tcp("127.0.0.1", port))) {
            Fid root = attach(c, "data");
            assertThat(c.call(new TMessage.Tgetattr(root, GetattrMask.ALL), RMessage.Rgetattr.class)
                                    .mode()
                            & 0170000)
                    .isEqualTo(0040000);
            Fid f = c.newFid();
            c.call(new TMessage.Twalk(root, f, List.of(P9Name.of("hello.txt"))), RMessage.Rwalk.class);
            assertThat(c.call(new TMessage.Tgetattr(f, GetattrMask.ALL), RMessage.Rgetattr.class)
                            .size())
                    .isEqualTo(5);
            P9ErrorException e = catchThrowableOfType(P9ErrorException.class, () -> attach(c, "no-such-export"));
            assertThat(e).isNotNull();
            assertThat(e.errno()).isEqualTo(Errno.ENOENT);
        }
        running.remove(serve);
        Result r = serve.stop();
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(catchThrowable(() -> SocketFrameChannel.tcp("127.0.0.1", port)))
                .as("the port is closed after stop")
                .isInstanceOf(IOException.class);
    }

    @Test
    void traceLogsDecodedMessagesOneLineEach() throws Exception {
        Path sock = dir.resolve("9p.sock");
        Running serve = start("--listen", "unix:" + sock, "--export", export(), "--trace");
        try (P9Client c = client(SocketFrameChannel.unix(sock))) {
            Fid root = attach(c, "data");
            c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
            try {
                attach(c, "nope");
            } catch (P9ErrorException expected) {
                // traced below
            }
        }
        running.remove(serve);
        Result r = serve.stop();
        assertThat(r.status()).isZero();
        assertThat(sock).as("the socket file is removed at stop").doesNotExist();
        List<String> lines = r.err().lines().toList();
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).endsWith(" > Tversion tag 65535 msize 65536 version \"9P2000.L\""))
                .anySatisfy(l -> assertThat(l).endsWith(" < Rversion tag 65535 msize 65536 version \"9P2000.L\""))
                .anySatisfy(l -> assertThat(l)
                        .endsWith(" > Tattach tag 0 fid 1 afid NOFID uname \"root\" aname \"data\" nUname 0"))
                .anySatisfy(l -> assertThat(l).matches(".* < Rattach tag 0 qid \\([0-9a-f]+ \\d+ d\\)"))
                .anySatisfy(l -> assertThat(l).endsWith(" > Tclunk tag 0 fid 1"))
                .anySatisfy(l -> assertThat(l).endsWith(" < Rlerror tag 0 ecode 2 (ENOENT)"));
        assertThat(r.out()).doesNotContain("Tversion");
    }
}

package io.hvl9p.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.daemon.runtime.RuntimeHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code hvl9p serve --runtime ...} through the command line: a runtime served by serve and played
 * by {@code hvl9p runtime-sim} in a child process; and bad runtime arguments, each refused with a
 * message that names the problem and leaving no pool and no FIFO behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeRuntimeTest {
    private static final AtomicInteger SEQ = new AtomicInteger();

    @TempDir
    Path dir;

    private Path share;
    private String pool;
    private ServeCommandTest.Running serve;

    @BeforeEach
    void setUp() throws IOException {
        share = Files.createDirectory(dir.resolve("share"));
        Files.writeString(share.resolve("hello.txt"), "hello from the share\n");
        pool = "hvl9p-test-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (serve != null) {
            serve.stop();
        }
        ServeCommand.started = null;
        ServeCommand.stop = null;
        ServeCommand.startedRuntimes = null;
    }

    private Path fifo(String suffix) {
        return Path.of(dir.resolve("rt1") + suffix);
    }

    private void assertNothingLeft() {
        assertThat(Await.exists(Path.of("/dev/shm", pool)))
                .as("pool /dev/shm/%s left", pool)
                .isFalse();
        assertThat(Await.exists(fifo(".kick"))).as("FIFO left").isFalse();
        assertThat(Await.exists(fifo(".irq"))).as("FIFO left").isFalse();
    }

    @Test
    void runtimeSimInAChildProcessUsesTheExportOfARuntimeServedByServe() throws Exception {
        serve = new ServeCommandTest.Running(
                "--export",
                "share=" + share,
                "--runtime",
                "rt1",
                "--9p",
                "share",
                "--console",
                "--doorbell",
                "fifo:" + dir.resolve("rt1"),
                "--pool",
                "shm:" + pool);
        List<RuntimeHost> hosts = ServeCommand.startedRuntimes;
        assertThat(hosts).hasSize(1);
        assertThat(serve.out()).contains("hvl9p: runtime rt1: pool shm /dev/shm/" + pool);
        assertThat(Await.exists(Path.of("/dev/shm", pool))).isTrue();
        assertThat(Await.exists(fifo(".kick"))).isTrue();

        Process sim = new ProcessBuilder(Await.java(
                        Main.class.getName(),
                        "runtime-sim",
                        "--name",
                        "rt1",
                        "--pool",
                        pool,
                        "--doorbell",
                        "fifo:" + dir.resolve("rt1"),
                        "--files",
                        "--hello",
                        "hi"))
                .redirectErrorStream(true)
                .start();
        Await.Output simOut = new Await.Output(sim.getInputStream());
        assertThat(sim.waitFor(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("runtime-sim ended")
                .isTrue();
        assertThat(sim.exitValue()).as(simOut.finished()).isZero();
        assertThat(share.resolve("from-rt1.txt")).hasContent("written by rt1 through virtio-9p\n");
        Await.until(
                "the console lines reached serve's output",
                () -> serve.out().contains("[rt1] 9p share: wrote from-rt1.txt"),
                serve::out);
        assertThat(serve.out().lines())
                .contains(
                        "[rt1] hi",
                        "[rt1] 9p share: ls / -> hello.txt",
                        "[rt1] 9p share: cat hello.txt -> hello from the share");

        ServeCommandTest.Running s = serve;
        serve = null;
        ServeCommandTest.Result r = s.stop();
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(hosts.getFirst().pool().isClosed()).isTrue();
        assertNothingLeft();
        Await.noChildProcesses();
    }

    private ServeCommandTest.Result run(String... runtimeArgs) {
        List<String> args = new ArrayList<>(List.of("--export", "share=" + share));
        args.addAll(Arrays.asList(runtimeArgs));
        ServeCommand.started = null;
        ServeCommand.stop = new CountDownLatch(0); // should it start after all, it stops at once
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), prepend("serve", args));
        return new ServeCommandTest.Result(status, out.toString(), err.toString());
    }

    private static String[] prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all.toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--9p nope                      | --runtime rt1: --9p nope names no export (expected one of: share)",
                "--9p share --layout flat       | --runtime rt1: --layout flat (expected: dtb or packed)",
                "--9p share --pool-size 4X      | --runtime rt1: --pool-size \"4X\" (expected: a size such as",
                "--9p share --pool-size 4K      | runtime rt1: device 0: block [0x10000, 0x210000) does not fit in the pool of 0x1000 bytes",
                "--9p share --phys-base zz      | --runtime rt1: --phys-base \"zz\" (expected: an address such as 0x37000000)",
                "--console --poll-time 5h       | --runtime rt1: --poll-time \"5h\" (expected: 0, or a number with us, ms or s)",
                "--layout dtb                   | runtime rt1 has no devices (expected: --9p EXPORT and/or --console)",
                "--9p share --doorbell- bogus:x | runtime rt1: doorbell bogus:x: unknown doorbell \"bogus:x\" (expected: fifo:PATH,",
                "--9p share --doorbell- fifo:/nonexistent/rt1 | runtime rt1: doorbell fifo:/nonexistent/rt1: /nonexistent: the directory for doorbell FIFO",
                "--9p share:8K                  | runtime rt1: 9p share: device memory of 7680 bytes leaves no room for a 4 KiB msize",
                "--9p share:5K                  | --runtime rt1: --9p share:5K: memory 5120 (expected: 4K to 2G, a multiple of 4 KiB)",
                "--9p share --9p share          | --runtime rt1: --9p share given twice (one device per export)",
                "--9p share --pool- foo:x       | runtime rt1: pool \"foo:x\" (expected: shm:NAME or uio:/dev/uioN)",
                "--console --console-log /nonexistent/c.log | runtime rt1: console: cannot open console log file /nonexistent/c.log",
                "--console --console-socket /nonexistent/c.sock | runtime rt1: console: cannot listen on console socket /nonexistent/c.sock",
            })
    void badRuntimeArgumentIsRefusedByNameAndLeavesNothing(String args, String message) {
        List<String> a = new ArrayList<>(List.of("--runtime", "rt1"));
        boolean ownDoorbell = args.contains("--doorbell- ");
        boolean ownPool = args.contains("--pool- ");
        for (String w : args.trim().split("\\s+")) {
            a.add(w.endsWith("-") && w.startsWith("--") ? w.substring(0, w.length() - 1) : w);
        }
        if (!ownDoorbell) {
            a.addAll(List.of("--doorbell", "fifo:" + dir.resolve("rt1")));
        }
        if (!ownPool) {
            a.addAll(List.of("--pool", "shm:" + pool));
        }
        ServeCommandTest.Result r = run(a.toArray(String[]::new));
        assertThat(r.status()).as(r.out() + r.err()).isNotZero();
        assertThat(r.err()).startsWith("hvl9p serve: ").contains(message).doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
        assertNothingLeft();
    }

    @Test
    void duplicateRuntimeNamesAreRefused() {
        ServeCommandTest.Result r = run(
                "--runtime",
                "rt1",
                "--9p",
                "share",
                "--doorbell",
                "fifo:" + dir.resolve("rt1"),
                "--pool",
                "shm:" + pool,
                "--runtime",
                "rt1",
                "--console",
                "--doorbell",
                "fifo:" + dir.resolve("rt2"),
                "--pool",
                "shm:" + pool + "b");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("hvl9p serve: --runtime rt1 given twice" + System.lineSeparator());
        assertNothingLeft();
    }

    /** Regression: the second runtime's Pool.shm replaced the first's /dev/shm file. */
    @Test
    void twoRuntimesOnOnePoolAreRefused() {
        ServeCommandTest.Result r = run(
                "--runtime",
                "rt1",
                "--9p",
                "share",
                "--doorbell",
                "fifo:" + dir.resolve("rt1"),
                "--pool",
                "shm:" + pool,
                "--runtime",
                "rt2",
                "--console",
                "--doorbell",
                "fifo:" + dir.resolve("rt2"),
                "--pool",
                "shm:" + pool);
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--runtime rt2: pool shm:" + pool + " is already runtime rt1's");
        assertNothingLeft();
    }

    /** Regression: the second runtime's FIFOs replaced the first's, so rt1's runtime rang rt2's doorbell. */
    @Test
    void twoRuntimesOnOneDoorbellAreRefusedWhateverItsSpelling() {
        ServeCommandTest.Result r = run(
                "--runtime",
                "rt1",
                "--9p",
                "share",
                "--doorbell",
                "fifo:" + dir.resolve("rt1"),
                "--pool",
                "shm:" + pool,
                "--runtime",
                "rt2",
                "--console",
                "--doorbell",
                "fifo:" + dir.resolve("x/../rt1"),
                "--pool",
                "shm:" + pool + "b");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err())
                .contains("--runtime rt2: doorbell fifo:" + dir.resolve("x/../rt1") + " is already runtime rt1's");
        assertNothingLeft();
    }

    /**
     * Regression: a console that could not be opened escaped as an UncheckedIOException with a
     * stack trace, and the runtime started before it kept its pool, FIFOs and controller.
     */
    @Test
    void aRuntimeThatFailsToStartStopsTheOnesStartedBeforeIt() {
        ServeCommandTest.Result r = run(
                "--runtime",
                "rt1",
                "--9p",
                "share",
                "--doorbell",
                "fifo:" + dir.resolve("rt1"),
                "--pool",
                "shm:" + pool,
                "--runtime",
                "rt2",
                "--console",
                "--console-log",
                dir.resolve("no-dir/rt2.log").toString(),
                "--doorbell",
                "fifo:" + dir.resolve("rt2"),
                "--pool",
                "shm:" + pool + "b");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("hvl9p serve: runtime rt2: console: cannot open console log file "
                        + dir.resolve("no-dir/rt2.log"))
                .doesNotContain("\tat ");
        assertNothingLeft();
        assertThat(Await.exists(Path.of("/dev/shm", pool + "b"))).isFalse();
        assertThat(Await.exists(Path.of(dir.resolve("rt2") + ".kick"))).isFalse();
        Await.until("rt1's controller thread ended", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("hvl9p-pool-rt1")));
    }
}

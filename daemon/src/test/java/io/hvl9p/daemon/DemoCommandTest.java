package io.hvl9p.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code hvl9p demo}: a pool in /dev/shm served by this process, the simulated runtime in a child
 * process; the console lines and the file checks, and that nothing is left afterwards, also after
 * Ctrl-C.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoCommandTest {
    private static final Pattern EXPORT = Pattern.compile("demo: sample export 'sample' = (\\S+)/export ");
    private static final Pattern CHILD = Pattern.compile("started the simulated runtime rt1 as process (\\d+)");

    record Result(int status, String out, String err) {}

    private static Result demo(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "demo";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Result(status, out.toString(), err.toString());
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertThat(m.find()).as("%s in:%n%s", p, text).isTrue();
        return m.group(1);
    }

    @ParameterizedTest(name = "--layout {0}")
    @ValueSource(strings = {"dtb", "packed"})
    void demoPrintsThroughTheConsoleUsesTheExportAndLeavesNothingBehind(String layout) {
        DemoCommand.lastPool = null;
        Result r = demo("--layout", layout);
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines)
                .as(r.out())
                .contains(
                        "[rt1] hello from rt1, an auxiliary runtime with no IP stack",
                        "[rt1] 9p sample: ls / -> docs/ hello.txt",
                        "[rt1] 9p sample: cat hello.txt -> hello from Linux",
                        "demo: ok")
                .anySatisfy(l -> assertThat(l).contains(", layout " + layout + ", "))
                .anySatisfy(l -> assertThat(l)
                        .matches("demo: Linux side: \\S+/export/from-rt1\\.txt on disk:"
                                + " \"written by rt1 through virtio-9p\""));
        String pool = DemoCommand.lastPool;
        assertThat(pool).startsWith("hvl9p-demo-");
        Path top = Path.of(group(EXPORT, r.out()));
        assertThat(r.out()).contains("demo: cleaned up: pool /dev/shm/" + pool + " removed");
        assertThat(Await.exists(Path.of("/dev/shm", pool))).as("pool left").isFalse();
        assertThat(Await.exists(top.resolve("rt1.kick"))).as("FIFO left").isFalse();
        assertThat(Await.exists(top.resolve("rt1.irq"))).as("FIFO left").isFalse();
        assertThat(Await.exists(top)).as("temporary directory left").isFalse();
        Await.noChildProcesses();
    }

    @Test
    void badLayoutExitsWithStatus2AndCreatesNothing() {
        DemoCommand.lastPool = null;
        Result r = demo("--layout", "flat");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("hvl9p demo: --layout flat (expected: dtb or packed)");
        assertThat(DemoCommand.lastPool).as("no pool was created").isNull();
    }

    @Test
    void ctrlCEndsTheDemoAndRemovesEverything() throws IOException, InterruptedException {
        Process demo = new ProcessBuilder(Await.java(Main.class.getName(), "demo", "--hold"))
                .redirectErrorStream(true)
                .start();
        try {
            Await.Output out = new Await.Output(demo.getInputStream());
            Await.until(
                    "the demo started its runtime",
                    () -> CHILD.matcher(out.text()).find(),
                    out::text);
            long runtimePid = Long.parseLong(group(CHILD, out.text()));
            assertThat(ProcessHandle.of(runtimePid))
                    .as("the runtime is still running (--hold)")
                    .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
            Path top = Path.of(group(EXPORT, out.text()));
            String pool = "hvl9p-demo-" + demo.pid();
            assertThat(Await.exists(Path.of("/dev/shm", pool)))
                    .as("the pool while it runs")
                    .isTrue();
            assertThat(Await.exists(top.resolve("rt1.kick")))
                    .as("the FIFO while it runs")
                    .isTrue();

            int kill = new ProcessBuilder("kill", "-INT", Long.toString(demo.pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
            assertThat(kill).isZero();
            assertThat(demo.waitFor(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .as("the demo ends on SIGINT")
                    .isTrue();
            String text = out.finished();
            assertThat(demo.exitValue()).as(text).isEqualTo(130); // 128 + SIGINT, as the JVM exits on it
            assertThat(text)
                    .as("the demo did not finish on its own")
                    .doesNotContain("demo: ok")
                    .contains("demo: cleaned up: pool /dev/shm/" + pool + " removed");
            Await.until(
                    "the runtime process is gone",
                    () -> ProcessHandle.of(runtimePid).map(p -> !p.isAlive()).orElse(true));
            assertThat(Await.exists(Path.of("/dev/shm", pool))).as("pool left").isFalse();
            assertThat(Await.exists(top.resolve("rt1.kick"))).as("FIFO left").isFalse();
            assertThat(Await.exists(top)).as("temporary directory left").isFalse();
        } finally {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
        Await.noChildProcesses();
    }
}

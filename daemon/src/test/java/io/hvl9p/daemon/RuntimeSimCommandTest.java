package io.hvl9p.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.transport.pool.Pool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code hvl9p runtime-sim}'s own errors: what is missing (exit 1) and what is malformed (exit 2). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RuntimeSimCommandTest {
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {}

    private static Result sim(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "runtime-sim";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Result(status, out.toString(), err.toString());
    }

    private static String missingPool() {
        return "hvl9p-test-missing-" + ProcessHandle.current().pid();
    }

    /** Regression: the message told the user to "create it with Pool.shm", a Java method. */
    @Test
    void missingPoolExitsWith1AndSaysWhoCreatesIt() {
        String pool = missingPool();
        Result r = sim("--name", "rt9", "--pool", pool, "--doorbell", "fifo:" + dir.resolve("rt9"));
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.err())
                .isEqualTo("hvl9p runtime-sim: rt9: no pool /dev/shm/" + pool
                        + " (the back-end creates it: start 'hvl9p serve --runtime ...' first)"
                        + System.lineSeparator());
        assertThat(Await.exists(Path.of("/dev/shm", pool)))
                .as("runtime-sim never creates a pool")
                .isFalse();
    }

    @Test
    void missingDoorbellFifoExitsWith1AndADoorbellWithoutAFrontEndSideWith2() throws Exception {
        String name = "hvl9p-test-nofifo-" + ProcessHandle.current().pid();
        try (Pool pool = Pool.shm(name, 0x20000, 0x37000000L, true)) {
            assertThat(pool.size()).isEqualTo(0x20000);
            Result r = sim("--pool", name, "--doorbell", "fifo:" + dir.resolve("rt"));
            assertThat(r.status()).as(r.err()).isEqualTo(1);
            assertThat(r.err())
                    .startsWith("hvl9p runtime-sim: rt: ")
                    .contains(dir.resolve("rt") + ".")
                    .contains("no doorbell FIFO (the back-end creates it: start the back-end first)");
            assertThat(Await.exists(Path.of(dir.resolve("rt") + ".kick"))).isFalse();

            Result umb = sim("--pool", name, "--doorbell", "umb:/dev/umb");
            assertThat(umb.status()).as(umb.err()).isEqualTo(2);
            assertThat(umb.err()).startsWith("hvl9p runtime-sim: doorbell kind umb has no front-end side");
        }
        assertThat(Await.exists(Path.of("/dev/shm", name))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--layout flat           | hvl9p runtime-sim: --layout flat (expected: dtb or packed)",
                "--status-mode odd       | hvl9p runtime-sim: --status-mode odd (expected: plain or ored)",
                "--timeout 5h            | hvl9p runtime-sim: --timeout \"5h\" (expected: 0, or a number with us, ms or s)",
                "--phys-base zz          | hvl9p runtime-sim: --phys-base \"zz\" (expected: an address such as 0x37000000)",
            })
    void malformedOptionExitsWith2BeforeTouchingAnything(String option, String message) {
        String[] o = option.split(" ");
        Result r = sim("--pool", missingPool(), "--doorbell", "fifo:" + dir.resolve("rt"), o[0], o[1]);
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(message + System.lineSeparator());
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Result r = sim("--doorbell", "fifo:" + dir.resolve("rt"));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--pool=SHM'");
    }
}

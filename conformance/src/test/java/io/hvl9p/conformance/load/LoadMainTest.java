package io.hvl9p.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.protocol.MiscConstants;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoadMainTest {
    @Test
    void defaultsAreThoseOfTheBrief() {
        LoadConfig c = LoadMain.parse("--target", "tcp:127.0.0.1:564").config();
        assertThat(c.msize()).isEqualTo(1048600);
        assertThat(c.workloads()).containsExactly(Workload.values());
        assertThat(c.connections()).containsExactly(1, 4);
        assertThat(c.depth()).isEqualTo(1);
        assertThat(c.duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.warmup()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.fileSize()).isEqualTo(64L << 20);
        assertThat(c.uname()).isEqualTo("root");
        assertThat(c.nUname()).isEqualTo(MiscConstants.NONUNAME);
        assertThat(c.aname()).isEmpty();
        assertThat(c.keepFiles()).isFalse();
    }

    @Test
    void parsesEveryOption() {
        LoadMain.Parsed p = LoadMain.parse(
                "--target=unix:/tmp/s",
                "--aname",
                "data",
                "--uname",
                "u",
                "--n-uname",
                "1000",
                "--msize",
                "65536",
                "--workload",
                "read, write",
                "--connections",
                "2,8",
                "--depth",
                "4",
                "--ops",
                "77",
                "--warmup",
                "0.25",
                "--file-mib",
                "0.5",
                "--keep-files",
                "--timeout",
                "3",
                "--json",
                "out.json");
        LoadConfig c = p.config();
        assertThat(c.target()).isEqualTo(Target.unix(Path.of("/tmp/s")));
        assertThat(c.aname()).isEqualTo("data");
        assertThat(c.uname()).isEqualTo("u");
        assertThat(c.nUname()).isEqualTo(1000);
        assertThat(c.msize()).isEqualTo(65536);
        assertThat(c.workloads()).containsExactly(Workload.READ, Workload.WRITE);
        assertThat(c.connections()).isEqualTo(List.of(2, 8));
        assertThat(c.depth()).isEqualTo(4);
        assertThat(c.counted()).isTrue();
        assertThat(c.operations()).isEqualTo(77);
        assertThat(c.warmup()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.fileSize()).isEqualTo(512 * 1024);
        assertThat(c.keepFiles()).isTrue();
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.json()).isEqualTo(Path.of("out.json"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--aname x | --target is required",
                "--target tcp:h:1 --bogus 1 | unknown option '--bogus'",
                "--target tcp:h:1 stray | unexpected argument 'stray'",
                "--target tcp:h:1 --depth | --depth needs a value",
                "--target tcp:h:1 --depth 0 | depth 0 (expected: 1..1024)",
                "--target tcp:h:1 --connections 1,x | --connections 'x' is not a whole number",
                "--target tcp:h:1 --workload stat | unknown workload 'stat' (known: getattr, read, write, create-unlink)",
                "--target tcp:h:1 --seconds 1 --ops 5 | --seconds and --ops exclude each other",
                "--target tcp:h:1 --seconds -1 | --seconds '-1' is not a non-negative number",
                "--target tcp:h:1 --seconds 0 | duration PT0S (expected: > 0)",
                "--target tcp:h:1 --file-mib 0 | file size 0",
                "--target nowhere | expected: tcp:HOST:PORT or unix:PATH"
            })
    void refusesBadArgumentsSayingWhy(String args, String why) {
        assertThatThrownBy(() -> LoadMain.parse(args.split(" ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LoadMain.run(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args.split(" "));
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(why).contains("usage: load");
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = LoadMain.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                "--help");
        assertThat(rc).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: load --target");
    }

    @Test
    void anUnreachableServerIsAFailedRunNotAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LoadMain.run(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                "--target",
                "unix:/nonexistent/hvl9p-load-test.sock");
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("load: ");
    }
}

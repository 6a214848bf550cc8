package io.hvl9p.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinksTest {
    @TempDir
    Path dir;

    @Test
    void stdoutSinkPrefixesTheRuntime() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StdoutSink sink = new StdoutSink(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        sink.line("rt1", "hello");
        sink.line("rt2", "");
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("[rt1] hello" + System.lineSeparator() + "[rt2] " + System.lineSeparator());
    }

    @Test
    void stdoutLinesOfSeveralRuntimesNeverInterleave() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StdoutSink sink = new StdoutSink(new PrintStream(bytes, false, StandardCharsets.UTF_8));
        String payload = "x".repeat(500);
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService ex = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                String rt = "rt" + t;
                ex.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        sink.line(rt, payload);
                    }
                    return null;
                });
            }
            start.countDown();
            ex.shutdown();
            assertThat(ex.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        List<String> out = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(out).hasSize(800).allMatch(l -> l.matches("\\[rt[0-3]\\] x{500}"));
    }

    @Test
    void logFileHasUtcMillisecondTimestampsFromTheClock() throws IOException {
        Path file = dir.resolve("rt1.log");
        Files.writeString(file, "older\n");
        Clock clock = Clock.fixed(Instant.parse("2026-12-03T11:40:00.123456Z"), ZoneId.of("Europe/Berlin"));
        try (LogFileSink sink = LogFileSink.open(file, clock)) {
            sink.line("rt1", "hello");
            // flushed per line: visible before close
            assertThat(Files.readAllLines(file)).endsWith("2026-12-03T11:40:00.123Z [rt1] hello");
        }
        try (LogFileSink sink =
                LogFileSink.open(file, Clock.fixed(Instant.parse("2026-12-03T11:40:01Z"), ZoneId.of("UTC")))) {
            sink.line("rt1", "again");
        }
        assertThat(Files.readAllLines(file))
                .containsExactly(
                        "older", "2026-12-03T11:40:00.123Z [rt1] hello", "2026-12-03T11:40:01.000Z [rt1] again");
    }

    @Test
    void logFileCreatesTheFileAndNamesItOnFailure() throws IOException {
        Path file = dir.resolve("new.log");
        try (LogFileSink sink = LogFileSink.open(file)) {
            assertThat(sink.path()).isEqualTo(file);
        }
        assertThat(file).exists();
        Path bad = dir.resolve("missing-dir").resolve("x.log");
        assertThatThrownBy(() -> LogFileSink.open(bad))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot open console log file " + bad);
    }

    @Test
    void failingSinkDoesNotStopTheOthers() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        ConsoleSink failing = (rt, line) -> {
            throw new IOException("disk full");
        };
        ConsoleSink throwing = (rt, line) -> {
            throw new IllegalStateException("bug");
        };
        FanOutSink fan = FanOutSink.of((rt, l) -> a.add(l), failing, throwing, (rt, l) -> b.add(l));
        fan.line("rt1", "one");
        fan.line("rt1", "two");
        assertThat(a).containsExactly("one", "two");
        assertThat(b).containsExactly("one", "two");
        assertThat(fan.failures()).isEqualTo(4);
    }

    @Test
    void failingSinkDoesNotStopTheSinkThread() throws Exception {
        List<String> got = new ArrayList<>();
        ConsoleSink flaky = new ConsoleSink() {
            int n;

            @Override
            public void line(String runtime, String line) throws IOException {
                if (n++ == 0) {
                    throw new IOException("first fails");
                }
                synchronized (got) {
                    got.add(line);
                }
            }
        };
        SinkThread t = new SinkThread("rt1", flaky, 10);
        assertThat(t.offer("one")).isTrue();
        assertThat(t.offer("two")).isTrue();
        assertThat(t.awaitIdle(java.time.Duration.ofSeconds(5))).isTrue();
        t.close(java.time.Duration.ofSeconds(5));
        synchronized (got) {
            assertThat(got).containsExactly("two");
        }
        assertThat(t.offer("after close")).isFalse();
    }

    @Test
    void fullSinkQueueDropsLinesInsteadOfBlocking() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<String> got = new ArrayList<>();
        SinkThread t = new SinkThread(
                "rt1",
                (rt, line) -> {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    synchronized (got) {
                        got.add(line);
                    }
                },
                2);
        int accepted = 0;
        for (int i = 0; i < 10; i++) {
            accepted += t.offer("l" + i) ? 1 : 0;
        }
        assertThat(accepted).isBetween(2, 3); // the queue's 2, plus the one the thread may hold
        assertThat(t.dropped()).isEqualTo(10 - accepted);
        gate.countDown();
        assertThat(t.awaitIdle(java.time.Duration.ofSeconds(5))).isTrue();
        t.close(java.time.Duration.ofSeconds(5));
        synchronized (got) {
            assertThat(got).hasSize(accepted).startsWith("l0");
        }
    }
}

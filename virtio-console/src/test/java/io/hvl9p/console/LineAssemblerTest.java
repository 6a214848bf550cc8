package io.hvl9p.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LineAssemblerTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<String> lines = new ArrayList<>();
    final LineAssembler asm = new LineAssembler(16, Duration.ofMillis(100), now::get, lines::add);

    static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("LF", "hello\n".getBytes(StandardCharsets.UTF_8), List.of("hello")),
                Arguments.of("CRLF", "hello\r\n".getBytes(StandardCharsets.UTF_8), List.of("hello")),
                Arguments.of(
                        "CRLF twice: the CR is not carried into the next line",
                        "a\r\nb\r\n".getBytes(StandardCharsets.UTF_8),
                        List.of("a", "b")),
                Arguments.of("empty lines", "\n\r\n".getBytes(StandardCharsets.UTF_8), List.of("", "")),
                Arguments.of("two lines", "a\nb\n".getBytes(StandardCharsets.UTF_8), List.of("a", "b")),
                Arguments.of("no newline: nothing yet", "abc".getBytes(StandardCharsets.UTF_8), List.of()),
                Arguments.of("tab kept", "a\tb\n".getBytes(StandardCharsets.UTF_8), List.of("a\tb")),
                Arguments.of("lone CR visible", "a\rb\n".getBytes(StandardCharsets.UTF_8), List.of("a^Mb")),
                Arguments.of(
                        "exactly max then LF: one line",
                        "0123456789abcdef\n".getBytes(StandardCharsets.UTF_8),
                        List.of("0123456789abcdef")),
                Arguments.of(
                        "long line split",
                        "0123456789abcdefXYZ\n".getBytes(StandardCharsets.UTF_8),
                        List.of("0123456789abcdef", "XYZ")),
                Arguments.of(
                        "split backs off before a cut UTF-8 sequence",
                        "0123456789abcdeé\n".getBytes(StandardCharsets.UTF_8),
                        List.of("0123456789abcde", "é")),
                Arguments.of("UTF-8 kept", "grüße €\n".getBytes(StandardCharsets.UTF_8), List.of("grüße €")),
                Arguments.of("invalid UTF-8", bytes('a', 0xFF, 'b', 0xC3, '\n'), List.of("a\uFFFDb\uFFFD")),
                Arguments.of("ANSI escape neutralised", bytes(0x1B, '[', '2', 'J', 'x', '\n'), List.of("^[[2Jx")),
                Arguments.of("OSC title escape", bytes(0x1B, ']', '0', ';', 'p', 0x07, '\n'), List.of("^[]0;p^G")),
                Arguments.of("C1 CSI as UTF-8", bytes(0xC2, 0x9B, '2', 'J', '\n'), List.of("M-^[2J")),
                Arguments.of("raw C1 byte is malformed", bytes(0x9B, 'J', '\n'), List.of("\uFFFDJ")),
                Arguments.of("DEL and NUL", bytes(0x7F, 0x00, '\n'), List.of("^?^@")),
                Arguments.of("backspace", bytes('a', 0x08, '\n'), List.of("a^H")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void wholeInput(String name, byte[] input, List<String> expected) {
        asm.feed(input);
        assertThat(lines).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}, one byte per chunk")
    @MethodSource("table")
    void oneBytePerChunk(String name, byte[] input, List<String> expected) {
        for (byte b : input) {
            asm.feed(new byte[] {b});
        }
        assertThat(lines).containsExactlyElementsOf(expected);
    }

    @Test
    void partialLineIsFlushedOnlyAfterTheIdleTime() {
        asm.feed("prompt> ".getBytes(StandardCharsets.UTF_8));
        assertThat(asm.flushIfIdle()).isEqualTo(Duration.ofMillis(100).toNanos());
        now.addAndGet(Duration.ofMillis(60).toNanos());
        assertThat(asm.flushIfIdle()).isEqualTo(Duration.ofMillis(40).toNanos());
        assertThat(lines).isEmpty();
        asm.feed("x".getBytes(StandardCharsets.UTF_8)); // a new byte restarts the idle time
        now.addAndGet(Duration.ofMillis(99).toNanos());
        assertThat(asm.flushIfIdle()).isPositive();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(asm.flushIfIdle()).isEqualTo(-1);
        assertThat(lines).containsExactly("prompt> x");
        assertThat(asm.hasPartialLine()).isFalse();
        assertThat(asm.flushIfIdle()).isEqualTo(-1);
    }

    @Test
    void explicitFlushEmitsThePartialLine() {
        asm.feed("boot".getBytes(StandardCharsets.UTF_8));
        asm.flush();
        asm.flush();
        assertThat(lines).containsExactly("boot");
    }

    @Test
    void veryLongLineIsSplitRepeatedly() {
        byte[] b = new byte[16 * 3 + 2];
        java.util.Arrays.fill(b, (byte) 'z');
        asm.feed(b);
        assertThat(lines).hasSize(3).allMatch(l -> l.length() == 16);
        asm.flush();
        assertThat(lines.getLast()).isEqualTo("zz");
    }
}

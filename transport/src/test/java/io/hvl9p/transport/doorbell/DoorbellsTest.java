package io.hvl9p.transport.doorbell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Spec strings: what parses to what, and every kind of bad spec with the message it gets. */
class DoorbellsTest {
    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of("", "empty doorbell spec (expected: fifo:PATH"),
                Arguments.of("   ", "empty doorbell spec"),
                Arguments.of(
                        "xyz",
                        "unknown doorbell \"xyz\" (expected: fifo:PATH, umb:DEVICE,"
                                + " uio:/dev/uioN[,irq-map=M,irq-offset=0xOFF,irq-value=V], poll[:INTERVAL])"),
                Arguments.of("FIFO:/tmp/x", "unknown doorbell \"FIFO:/tmp/x\""),
                Arguments.of("fifo", "doorbell fifo needs a path (expected: fifo:PATH)"),
                Arguments.of("fifo:", "doorbell fifo needs a path (expected: fifo:PATH)"),
                Arguments.of("fifo:/tmp/a\0b", "NUL"),
                Arguments.of("umb", "doorbell umb needs a path (expected: umb:DEVICE)"),
                Arguments.of("umb:", "doorbell umb needs a path (expected: umb:DEVICE)"),
                Arguments.of("uio", "doorbell uio needs a path (expected: uio:/dev/uioN[,irq-map="),
                Arguments.of("uio:,irq-map=1", "doorbell uio needs a path"),
                Arguments.of("uio:/dev/sda", "uio device must be /dev/uioN, got \"/dev/sda\""),
                Arguments.of("uio:/dev/uio0,irq=1", "unknown uio option \"irq=1\" (expected: irq-map=M,"),
                Arguments.of("uio:/dev/uio0,irq-map", "uio option irq-map needs a value"),
                Arguments.of("uio:/dev/uio0,irq-map=x", "uio option irq-map=\"x\" is not a number"),
                Arguments.of("uio:/dev/uio0,irq-map=-1", "uio option irq-map=\"-1\" is not a number"),
                Arguments.of("uio:/dev/uio0,irq-map=1", "irq-offset is missing"),
                Arguments.of("uio:/dev/uio0,irq-map=1,irq-offset=0x10", "irq-value is missing"),
                Arguments.of("uio:/dev/uio0,irq-map=1,irq-offset=0x10,irq-value=1,irq-map=2", "irq-map given twice"),
                Arguments.of(
                        "uio:/dev/uio0,irq-map=1,irq-offset=0x12,irq-value=1",
                        "irq-offset must be a non-negative multiple of 4, got 0x12"),
                Arguments.of("uio:/dev/uio0,irq-map=1,irq-offset=0,irq-value=0x100000000", "does not fit in 32 bits"),
                Arguments.of("uio:/dev/uio0,irq-map=9999999999,irq-offset=0,irq-value=1", "irq-map 9999999999"),
                Arguments.of("poll:", "bad poll interval \"\" (expected: poll:NUMBER followed by ns, us, ms or s"),
                Arguments.of("poll:5", "bad poll interval \"5\""),
                Arguments.of("poll:1h", "bad poll interval \"1h\""),
                Arguments.of("poll:-1ms", "bad poll interval \"-1ms\""),
                Arguments.of("poll:1.5ms", "bad poll interval \"1.5ms\""),
                Arguments.of("poll:0ms", "poll interval 0ms is out of range (expected: 1us to 1s"),
                Arguments.of("poll:999ns", "poll interval 999ns is out of range"),
                Arguments.of("poll:2s", "poll interval 2s is out of range"),
                Arguments.of("poll:99999999999999999999s", "is out of range"));
    }

    @ParameterizedTest
    @MethodSource("badSpecs")
    void aBadSpecIsRefusedWithAMessageNamingWhatWasExpected(String spec, String message) {
        assertThatThrownBy(() -> Doorbells.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
        assertThatThrownBy(() -> Doorbells.backEnd(spec)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Doorbells.driver(spec)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullSpecIsRefused() {
        assertThatThrownBy(() -> Doorbells.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Doorbells.syntax());
    }

    static Stream<Arguments> goodSpecs() {
        return Stream.of(
                Arguments.of("fifo:/tmp/rt1", new Doorbells.Spec.Fifo(Path.of("/tmp/rt1"))),
                Arguments.of("fifo:rel/a,b", new Doorbells.Spec.Fifo(Path.of("rel/a,b"))),
                Arguments.of("umb:/dev/umb", new Doorbells.Spec.Umb(Path.of("/dev/umb"))),
                Arguments.of("uio:/dev/uio3", new Doorbells.Spec.Uio(Path.of("/dev/uio3"), null)),
                Arguments.of(
                        "uio:/dev/uio0,irq-map=1,irq-offset=0x10,irq-value=0xdeadbeef",
                        new Doorbells.Spec.Uio(Path.of("/dev/uio0"), new UioDoorbell.Irq(1, 0x10, 0xdeadbeef))),
                Arguments.of(
                        "uio:/dev/uio0,irq-value=7,irq-offset=64,irq-map=0",
                        new Doorbells.Spec.Uio(Path.of("/dev/uio0"), new UioDoorbell.Irq(0, 64, 7))),
                Arguments.of("poll", new Doorbells.Spec.Poll(1_000_000)),
                Arguments.of("poll:200us", new Doorbells.Spec.Poll(200_000)));
    }

    @ParameterizedTest
    @MethodSource("goodSpecs")
    void aGoodSpecParses(String spec, Doorbells.Spec expected) {
        assertThat(Doorbells.parse(spec)).isEqualTo(expected);
    }

    @Test
    void uioWithoutIrqOptionsFailsBeforeTouchingTheDeviceAndSaysWhatIsNeeded() {
        // /dev/uio0 does not exist here: an IOException would mean the device was opened first.
        assertThatThrownBy(() -> Doorbells.backEnd("uio:/dev/uio0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uio:/dev/uio0 needs irq-map=M,irq-offset=0xOFF,irq-value=V")
                .hasMessageContaining("front-end would wait forever");
        assertThatThrownBy(() -> UioDoorbell.open(Path.of("/dev/uio0"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs irq-map=M");
    }

    @Test
    void umbAndUioHaveNoFrontEndSide() {
        assertThatThrownBy(() -> Doorbells.driver("umb:/dev/umb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("umb has no front-end side")
                .hasMessageContaining("expected: fifo:PATH or poll[:INTERVAL]");
        assertThatThrownBy(() -> Doorbells.driver("uio:/dev/uio0,irq-map=1,irq-offset=0,irq-value=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uio has no front-end side");
    }

    @Test
    void aMissingDeviceIsAnIoErrorNamingIt() {
        assertThatThrownBy(() -> Doorbells.backEnd("umb:/dev/no-such-umb"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/dev/no-such-umb")
                .hasMessageContaining("ENOENT");
        assertThatThrownBy(() -> Doorbells.backEnd("uio:/dev/uio917,irq-map=1,irq-offset=0,irq-value=1"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("UIO map 1 of /dev/uio917 does not exist");
    }

    @Test
    void theFactoryOpensBothFifoSides(@TempDir Path dir) throws IOException {
        String spec = "fifo:" + dir.resolve("rt1");
        try (Doorbell back = Doorbells.backEnd(spec);
                DriverDoorbell front = Doorbells.driver(spec)) {
            assertThat(back).isInstanceOf(FifoDoorbell.class);
            assertThat(back.describe()).isEqualTo(spec);
            assertThat(back.pollIntervalNanos()).isZero();
            assertThat(front).isInstanceOf(FifoDriverDoorbell.class);
            assertThat(front.interruptsDelivered()).isTrue();
            front.kick();
            assertThat(back.awaitKick(Waits.LONG)).isTrue();
        }
    }

    @Test
    void theSyntaxNamesEveryKind() {
        assertThat(Doorbells.syntax()).contains("fifo:PATH", "umb:DEVICE", "uio:/dev/uioN", "poll[:INTERVAL]");
    }
}

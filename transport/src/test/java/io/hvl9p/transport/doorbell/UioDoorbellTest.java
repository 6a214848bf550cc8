package io.hvl9p.transport.doorbell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.sys.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uio:} with a regular file standing in for the device: checks that the interrupt is a
 * 32-bit store at the offset inside map M (file offset {@code M * pagesize}, plus the region's
 * offset in its page) and that opening re-enables the interrupt with {@code write(int 1)}. The
 * kick path (ppoll, 4-byte count read) needs a real UIO device and is <em>not</em> tested here.
 */
class UioDoorbellTest {
    @TempDir
    Path dir;

    @Test
    void anInterruptIsAStoreOfTheValueAtTheOffsetInMapM() throws IOException {
        long page = Native.pageSize();
        Path device = dir.resolve("uio0");
        Files.write(device, new byte[(int) (3 * page)]);
        UioDoorbell.Irq irq = new UioDoorbell.Irq(1, 0x10, 0xdeadbeef);
        try (UioDoorbell uio = UioDoorbell.open(device, irq, 0x100, 0x40)) {
            assertThat(u32(device, page + 0x40 + 0x10)).as("nothing stored yet").isZero();
            uio.interrupt();
            assertThat(u32(device, page + 0x40 + 0x10)).isEqualTo(0xdeadbeef);
            assertThat(u32(device, 0))
                    .as("write(int 1) re-enabled the interrupt")
                    .isEqualTo(1);
            assertThat(uio.describe()).isEqualTo("uio:" + device + ",irq-map=1,irq-offset=0x10,irq-value=0xdeadbeef");
        }
    }

    @Test
    void theRegisterMustLieInsideTheMap() {
        Path device = dir.resolve("uio0");
        assertThatThrownBy(() -> UioDoorbell.open(device, new UioDoorbell.Irq(0, 0x100, 1), 0x100, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("irq-offset 0x100 is outside UIO map 0")
                .hasMessageContaining("size 0x100");
        assertThatThrownBy(() -> UioDoorbell.open(Path.of("/dev/mem"), new UioDoorbell.Irq(0, 0, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be /dev/uioN");
    }

    private static int u32(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return ByteBuffer.wrap(all, (int) offset, 4)
                .order(ByteOrder.nativeOrder())
                .getInt();
    }
}

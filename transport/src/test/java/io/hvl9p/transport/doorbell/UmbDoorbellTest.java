package io.hvl9p.transport.doorbell;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.transport.sys.Native;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code umb:DEVICE} with a FIFO standing in for the mailbox device. This checks the mechanics
 * (poll for POLLIN, read what is there, write one byte per interrupt, wakeups); it does
 * <em>not</em> check the ZynqMP mailbox driver's behaviour, which needs the real device.
 */
class UmbDoorbellTest {
    @TempDir
    Path dir;

    @Test
    void pollThenReadConsumesKicksAndAnInterruptIsOneByte() throws IOException {
        Path device = dir.resolve("umb");
        Native.mkfifo(device.toString(), 0600);
        try (UmbDoorbell umb = UmbDoorbell.open(device)) {
            assertThat(umb.awaitKick(0)).isFalse();
            // The doorbell holds the FIFO read-write, so these opens do not block.
            try (FileOutputStream mailbox = new FileOutputStream(device.toFile())) {
                mailbox.write(new byte[] {1, 2, 3});
            }
            assertThat(umb.awaitKick(Waits.LONG)).isTrue();
            assertThat(umb.awaitKick(0)).as("everything read").isFalse();

            umb.interrupt();
            try (FileInputStream mailbox = new FileInputStream(device.toFile())) {
                assertThat(mailbox.available()).isEqualTo(1);
                assertThat(mailbox.read()).isEqualTo(1);
            }

            try (FileOutputStream mailbox = new FileOutputStream(device.toFile())) {
                mailbox.write(new byte[100]);
            }
            umb.drain();
            assertThat(umb.awaitKick(0)).as("drained").isFalse();

            umb.wakeup();
            assertThat(umb.awaitKick(-1)).isTrue();
            assertThat(umb.describe()).isEqualTo("umb:" + device);
        }
    }
}

package io.hvl9p.transport.doorbell;

import io.hvl9p.transport.sys.Native;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The back-end's {@code umb:DEVICE} doorbell (hvl-transport.md section 5): the reference
 * deployment's Linux mailbox character device (Xilinx ZynqMP IPI). Kick in: {@code ppoll} the
 * device for {@code POLLIN}, then {@code read()} what is there; interrupt out: {@code write()} one
 * byte. There is no front-end side (the front-end is the runtime on the other core).
 *
 * <p>Reads stop as soon as the device no longer polls readable, so a driver that ignores {@code
 * O_NONBLOCK} never blocks this thread; a bounded number of reads per kick keeps a device that
 * stays readable from holding the controller. <strong>Not tested against a real mailbox
 * device</strong>: the tests drive it through a FIFO standing in for the device, which checks the
 * poll/read/write mechanics, not the driver's semantics.
 */
public final class UmbDoorbell implements Doorbell {
    /** Reads per kick at most; a device still readable after that is seen again by the next wait. */
    private static final int MAX_READS = 64;

    private final Path device;
    private final int fd;
    private final Bell bell;

    private UmbDoorbell(Path device, int fd) throws IOException {
        this.device = device;
        this.fd = fd;
        this.bell = new Bell("umb:" + device, fd, UmbDoorbell::consume, () -> {});
    }

    /** Opens the mailbox device read-write, non-blocking. */
    public static UmbDoorbell open(Path device) throws IOException {
        Objects.requireNonNull(device, "device");
        int fd = Native.open(device.toString(), Native.O_RDWR | Native.O_NONBLOCK | Native.O_CLOEXEC);
        try {
            return new UmbDoorbell(device, fd);
        } catch (IOException | RuntimeException | Error e) {
            FifoDoorbell.cleanUp(e, fd);
            throw e;
        }
    }

    private static void consume(int fd) throws IOException {
        for (int i = 0; i < MAX_READS; i++) {
            if (Native.read(fd, Bell.discardBuffer(64)) <= 0 || !Bell.readable(fd)) {
                return;
            }
        }
    }

    @Override
    public boolean awaitKick(long timeoutNanos) throws IOException {
        return bell.await(timeoutNanos);
    }

    @Override
    public void interrupt() throws IOException {
        bell.use(() -> Native.write(fd, Bell.ONE_BYTE)); // -1 (EAGAIN): one is pending in the mailbox
    }

    @Override
    public void wakeup() {
        bell.wakeup();
    }

    /** Reads whatever the device has pending (stale kicks). */
    @Override
    public void drain() throws IOException {
        bell.use(() -> {
            if (Bell.readable(fd)) {
                consume(fd);
            }
        });
    }

    @Override
    public String describe() {
        return "umb:" + device;
    }

    @Override
    public void close() {
        bell.close();
    }

    @Override
    public String toString() {
        return describe();
    }
}

package io.hvl9p.transport.doorbell;

import io.hvl9p.transport.sys.Native;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The front-end's side of {@code fifo:PATH} (hvl-transport.md sections 5 and 7), for the
 * driver-side simulator and tests: {@link #kick} writes one byte into {@code PATH.kick}, {@link
 * #awaitInterrupt} waits on {@code PATH.irq} and drains it. It attaches to the pipes a {@link
 * FifoDoorbell} created and never removes them. Both are opened {@code O_RDWR|O_NONBLOCK}, so
 * opening never blocks and a kick never blocks (a full kick pipe already holds a kick).
 */
public final class FifoDriverDoorbell implements DriverDoorbell {
    private final Path base;
    private final int kickFd;
    private final Bell bell;

    private FifoDriverDoorbell(Path base, int kickFd, int irqFd) throws IOException {
        this.base = base;
        this.kickFd = kickFd;
        this.bell = new Bell("fifo:" + base + " (front-end)", irqFd, Bell::discard, () -> {}, kickFd);
    }

    /**
     * Opens the existing {@code PATH.kick} and {@code PATH.irq}.
     *
     * @throws java.nio.file.NoSuchFileException if the back-end has not created them
     */
    public static FifoDriverDoorbell open(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        Path kick = Fifos.kick(path);
        Path irq = Fifos.irq(path);
        Fifos.requireFifo(kick);
        Fifos.requireFifo(irq);
        int kickFd = -1;
        int irqFd = -1;
        try {
            int flags = Native.O_RDWR | Native.O_NONBLOCK | Native.O_CLOEXEC;
            kickFd = Native.open(kick.toString(), flags);
            irqFd = Native.open(irq.toString(), flags);
            return new FifoDriverDoorbell(path, kickFd, irqFd);
        } catch (IOException | RuntimeException | Error e) {
            FifoDoorbell.cleanUp(e, kickFd, irqFd);
            throw e;
        }
    }

    @Override
    public void kick() throws IOException {
        bell.use(() -> Native.write(kickFd, Bell.ONE_BYTE)); // -1 (EAGAIN): a kick is pending anyway
    }

    @Override
    public boolean awaitInterrupt(long timeoutNanos) throws IOException {
        return bell.await(timeoutNanos);
    }

    @Override
    public void wakeup() {
        bell.wakeup();
    }

    @Override
    public String describe() {
        return "fifo:" + base;
    }

    /** Closes the descriptors; the FIFOs stay (they belong to the back-end). Idempotent. */
    @Override
    public void close() {
        bell.close();
    }

    @Override
    public String toString() {
        return describe() + " (front-end)";
    }
}

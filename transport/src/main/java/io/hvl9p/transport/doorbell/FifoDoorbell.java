package io.hvl9p.transport.doorbell;

import io.hvl9p.transport.sys.Native;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The back-end's {@code fifo:PATH} doorbell (hvl-transport.md sections 3a.11 and 5): the front-end
 * writes one byte into the named pipe {@code PATH.kick} per kick, the back-end writes one byte into
 * {@code PATH.irq} per interrupt. Any process on the host, in any language, can be the front-end;
 * tests and the host simulation use {@link FifoDriverDoorbell}.
 *
 * <p>This side creates both pipes (mode 0600; a stale FIFO is replaced, anything else at the path
 * is refused; the directory must exist) and removes them on {@link #close}. It opens both {@code
 * O_RDWR|O_NONBLOCK}: holding a write end of {@code PATH.kick} itself means a read never sees end of
 * file while no front-end has it open, and holding a read end of {@code PATH.irq} means a write
 * never blocks or fails with {@code EPIPE} while no front-end is attached; a full pipe
 * ({@code EAGAIN}) already holds an interrupt, so that byte is simply dropped.
 *
 * <p>Waiting is a {@code ppoll} on the kick pipe and an eventfd (for {@link #wakeup}); a kick is
 * consumed by draining every byte that is there, so many kicks coalesce into one (section 3a.3).
 * The waiting thread blocks in native code: use a platform thread, not a virtual one.
 */
public final class FifoDoorbell implements Doorbell {
    private final Path base;
    private final Path kickPath;
    private final Path irqPath;
    private final Object kickKey;
    private final Object irqKey;
    private final int irqFd;
    private final int kickFd;
    private final Bell bell;

    private FifoDoorbell(Path base, Object kickKey, Object irqKey, int kickFd, int irqFd) throws IOException {
        this.base = base;
        this.kickPath = Fifos.kick(base);
        this.irqPath = Fifos.irq(base);
        this.kickKey = kickKey;
        this.irqKey = irqKey;
        this.kickFd = kickFd;
        this.irqFd = irqFd;
        this.bell = new Bell("fifo:" + base, kickFd, Bell::discard, () -> {}, irqFd);
    }

    /**
     * Creates {@code PATH.kick} and {@code PATH.irq} and opens them.
     *
     * @throws java.nio.file.FileAlreadyExistsException if something other than a FIFO is at either path
     * @throws java.nio.file.NoSuchFileException if the directory does not exist
     */
    public static FifoDoorbell create(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        Path kick = Fifos.kick(path);
        Path irq = Fifos.irq(path);
        Object kickKey = Fifos.create(kick);
        Object irqKey = null;
        int kickFd = -1;
        int irqFd = -1;
        try {
            irqKey = Fifos.create(irq);
            int flags = Native.O_RDWR | Native.O_NONBLOCK | Native.O_CLOEXEC | Native.O_NOFOLLOW;
            kickFd = Native.open(kick.toString(), flags);
            irqFd = Native.open(irq.toString(), flags);
            return new FifoDoorbell(path, kickKey, irqKey, kickFd, irqFd);
        } catch (IOException | RuntimeException | Error e) {
            cleanUp(e, kickFd, irqFd);
            try {
                Fifos.deleteIfSame(kick, kickKey);
                if (irqKey != null) {
                    Fifos.deleteIfSame(irq, irqKey);
                }
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Closes the descriptors that were opened before a failure ({@code -1}: not opened). */
    static void cleanUp(Throwable failure, int... fds) {
        for (int fd : fds) {
            if (fd >= 0) {
                try {
                    Native.close(fd);
                } catch (IOException suppressed) {
                    failure.addSuppressed(suppressed);
                }
            }
        }
    }

    @Override
    public boolean awaitKick(long timeoutNanos) throws IOException {
        return bell.await(timeoutNanos);
    }

    @Override
    public void interrupt() throws IOException {
        bell.use(() -> Native.write(irqFd, Bell.ONE_BYTE)); // -1 (EAGAIN): the pipe already holds one
    }

    @Override
    public void wakeup() {
        bell.wakeup();
    }

    /** Discards pending kicks and interrupts left over from a previous runtime (section 3a.11). */
    @Override
    public void drain() throws IOException {
        bell.use(() -> {
            Bell.discard(kickFd);
            Bell.discard(irqFd);
        });
    }

    /** The named pipes, {@code PATH.kick} and {@code PATH.irq}. */
    public Path kickPath() {
        return kickPath;
    }

    public Path irqPath() {
        return irqPath;
    }

    @Override
    public String describe() {
        return "fifo:" + base;
    }

    /** Closes the pipes and removes them (if they are still the ones created here); idempotent. */
    @Override
    public void close() {
        bell.close();
        try {
            Fifos.deleteIfSame(kickPath, kickKey);
            Fifos.deleteIfSame(irqPath, irqKey);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(describe() + ": removing the FIFOs failed", e);
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}

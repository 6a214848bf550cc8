package io.hvl9p.transport.doorbell;

import io.hvl9p.transport.sys.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * What every doorbell here shares: a descriptor to wait on, an {@code eventfd} that {@link #wakeup}
 * signals, one {@code ppoll} over both, and the rule that no descriptor is closed while a call is
 * using it. Without that rule a {@code wakeup} or {@code interrupt} racing {@code close} could write
 * into a descriptor number the process has meanwhile reused for something else.
 *
 * <p>Every call on the descriptors runs inside {@link #use} (or {@link #await}); {@link #close}
 * marks the bell closing, wakes a waiter, and the last user out closes the descriptors and runs the
 * release hook; {@code close} returns once that has happened. The eventfd keeps a wakeup that
 * arrives while nobody waits, so the next {@code await} returns at once.
 */
final class Bell {
    /** Reads what made the waited-on descriptor readable (a FIFO's bytes, a UIO count). */
    @FunctionalInterface
    interface Reader {
        void consume(int fd) throws IOException;
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    /** Bytes read only to be discarded, by any thread; nobody ever looks at them. */
    private static final MemorySegment DISCARD = Arena.global().allocate(4096);
    /** One byte, the unit of a FIFO kick or interrupt. */
    static final MemorySegment ONE_BYTE = Arena.global().allocateFrom(ValueLayout.JAVA_BYTE, (byte) 1);
    /** The 32-bit value 1, what re-enables a UIO interrupt. */
    static final MemorySegment ONE_INT = Arena.global().allocateFrom(ValueLayout.JAVA_INT, 1);
    /** The 8-byte counter increment an eventfd expects. */
    private static final MemorySegment EVENT_ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    private static final VarHandle POLL_FD =
            Native.POLLFD.arrayElementVarHandle(MemoryLayout.PathElement.groupElement("fd"));
    private static final VarHandle POLL_EVENTS =
            Native.POLLFD.arrayElementVarHandle(MemoryLayout.PathElement.groupElement("events"));
    private static final VarHandle POLL_REVENTS =
            Native.POLLFD.arrayElementVarHandle(MemoryLayout.PathElement.groupElement("revents"));

    private final String what;
    private final int waitFd;
    private final Reader reader;
    private final int[] others;
    private final IoAction release;
    private final int eventFd;
    private int users;
    private boolean closing;
    private boolean released;

    /**
     * Takes ownership of {@code waitFd} (or {@code -1}: only wakeups end a wait) and {@code others}
     * once this returns; if it throws, the caller still owns them.
     */
    Bell(String what, int waitFd, Reader reader, IoAction release, int... others) throws IOException {
        this.what = what;
        this.waitFd = waitFd;
        this.reader = reader;
        this.release = release;
        this.others = others.clone();
        this.eventFd = Native.eventfd(0, Native.EFD_NONBLOCK | Native.EFD_CLOEXEC);
    }

    /**
     * Waits until {@code waitFd} is readable (then lets the reader consume it), a wakeup arrives,
     * or the timeout passes.
     *
     * @param timeoutNanos {@code 0} only checks, {@code < 0} waits without a limit
     * @return true unless the timeout passed
     */
    boolean await(long timeoutNanos) throws IOException {
        enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(Native.POLLFD, 2);
            set(fds, 0, waitFd);
            set(fds, 1, eventFd);
            if (Native.ppoll(fds, timeoutNanos) == 0) {
                return false;
            }
            boolean result = false;
            short ready = (short) POLL_REVENTS.get(fds, 0L, 0L);
            if ((ready & Native.POLLIN) != 0) {
                reader.consume(waitFd);
                result = true;
            } else if ((ready & (Native.POLLERR | Native.POLLHUP | Native.POLLNVAL)) != 0) {
                throw new IOException(what + ": poll reports an error on the descriptor (revents 0x"
                        + Integer.toHexString(ready & 0xffff) + ")");
            }
            if (((short) POLL_REVENTS.get(fds, 0L, 1L) & Native.POLLIN) != 0) {
                Native.read(eventFd, DISCARD.asSlice(0, 8));
                result = true;
            }
            return result;
        } finally {
            exit();
        }
    }

    private static void set(MemorySegment fds, long index, int fd) {
        POLL_FD.set(fds, 0L, index, fd);
        POLL_EVENTS.set(fds, 0L, index, Native.POLLIN);
        POLL_REVENTS.set(fds, 0L, index, (short) 0);
    }

    /** Makes the current or the next {@link #await} return; a no-op once closed. */
    void wakeup() {
        synchronized (this) {
            if (closing) {
                return;
            }
            users++;
        }
        try {
            signal();
        } finally {
            exit();
        }
    }

    private void signal() {
        try {
            Native.write(eventFd, EVENT_ONE); // -1 (EAGAIN) only when the counter is full: woken anyway
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": wakeup failed", e);
        }
    }

    /** Runs {@code action} while the descriptors are guaranteed open. */
    void use(IoAction action) throws IOException {
        enter();
        try {
            action.run();
        } finally {
            exit();
        }
    }

    private synchronized void enter() throws IOException {
        if (closing) {
            throw new IOException(what + " is closed");
        }
        users++;
    }

    private void exit() {
        synchronized (this) {
            users--;
            if (!closing || users > 0 || released) {
                return;
            }
        }
        try {
            releaseNow();
        } finally {
            synchronized (this) {
                released = true;
                notifyAll();
            }
        }
    }

    private void releaseNow() {
        IOException failure = null;
        for (int fd : descriptors()) {
            try {
                Native.close(fd);
            } catch (IOException e) {
                failure = add(failure, e);
            }
        }
        try {
            release.run();
        } catch (IOException e) {
            failure = add(failure, e);
        }
        if (failure != null) {
            throw new UncheckedIOException(what + ": closing failed", failure);
        }
    }

    private int[] descriptors() {
        int[] all = new int[others.length + 2];
        all[0] = eventFd;
        all[1] = waitFd;
        System.arraycopy(others, 0, all, 2, others.length);
        return Arrays.stream(all).filter(fd -> fd >= 0).toArray();
    }

    private static IOException add(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /**
     * Wakes a waiter, then closes the descriptors once no call uses them and returns after that;
     * idempotent.
     */
    void close() {
        synchronized (this) {
            if (closing) {
                awaitReleased();
                return;
            }
            closing = true;
            users++;
        }
        try {
            signal();
        } finally {
            exit();
        }
        synchronized (this) {
            awaitReleased();
        }
    }

    private void awaitReleased() {
        boolean interrupted = false;
        while (!released) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // a waiter only holds the bell for one non-blocking read
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads a non-blocking descriptor until it is empty ({@code EAGAIN}, end of file, or a short
     * read, which means the pipe was empty a moment ago: a writer that never stops cannot keep us
     * here).
     *
     * @return whether anything was read
     */
    static boolean discard(int fd) throws IOException {
        boolean any = false;
        while (true) {
            long n = Native.read(fd, DISCARD);
            if (n <= 0) {
                return any;
            }
            any = true;
            if (n < DISCARD.byteSize()) {
                return true;
            }
        }
    }

    /** Whether {@code fd} is readable right now ({@code ppoll} with timeout 0). */
    static boolean readable(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(Native.POLLFD, 1);
            set(fds, 0, fd);
            return Native.ppoll(fds, 0) > 0 && ((short) POLL_REVENTS.get(fds, 0L, 0L) & Native.POLLIN) != 0;
        }
    }

    /** A discard buffer of {@code size} bytes for readers that must read a fixed amount. */
    static MemorySegment discardBuffer(int size) {
        return DISCARD.asSlice(0, size);
    }

    String what() {
        return what;
    }
}

package io.hvl9p.transport.doorbell;

import java.io.IOException;

/**
 * The back-end's side of one pool's two notification directions (hvl-transport.md section 5):
 * <em>kick in</em> (front-end to Linux) and <em>interrupt out</em> (Linux to front-end). One
 * doorbell per direction is shared by all devices of a pool; a kick carries no meaning of its own
 * and kicks coalesce (section 3a.3), so the back-end is state-based and only learns "look again".
 *
 * <p>Threads: one thread (the pool's controller) calls {@link #awaitKick}; {@link #interrupt} and
 * {@link #wakeup} may be called from any thread at any time, also during {@code awaitKick}.
 */
public interface Doorbell extends AutoCloseable {
    /**
     * Waits until the front-end kicks, {@link #wakeup} is called, or the timeout passes; consumes
     * every kick that is pending (a drained FIFO, a read interrupt count).
     *
     * @param timeoutNanos {@code 0} only checks, {@code < 0} waits without a limit
     * @return true if at least one kick (or wakeup) was consumed, false on timeout
     * @throws IOException if the doorbell failed (the pool is then unusable)
     */
    boolean awaitKick(long timeoutNanos) throws IOException;

    /** Sends one interrupt to the front-end; never blocks (a full pipe already holds an interrupt). */
    void interrupt() throws IOException;

    /** Makes a concurrent or the next {@link #awaitKick} return soon (shutdown, work from other threads). */
    void wakeup();

    /** Discards stale kicks and interrupts, before a runtime (re)starts (section 3a.11). */
    void drain() throws IOException;

    /**
     * The interval at which the controller must look at the registers without being kicked, or 0
     * if kicks arrive (every kind but {@code poll}).
     */
    default long pollIntervalNanos() {
        return 0;
    }

    /** What this doorbell is, for messages ({@code fifo:/tmp/rt1}). */
    String describe();

    @Override
    void close();
}

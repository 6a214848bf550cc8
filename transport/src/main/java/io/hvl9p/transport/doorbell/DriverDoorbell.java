package io.hvl9p.transport.doorbell;

import java.io.IOException;

/**
 * The front-end's side of a doorbell (hvl-transport.md sections 5 and 7): what the driver-side
 * simulator uses to kick the back-end and to wait for its interrupts. Only kinds that a process on
 * the same host can drive have one ({@code fifo}, {@code poll}).
 *
 * <p>Threads: {@link #kick} from any thread; one thread calls {@link #awaitInterrupt}.
 */
public interface DriverDoorbell extends AutoCloseable {
    /** Kicks the back-end once. */
    void kick() throws IOException;

    /**
     * Waits for an interrupt, a {@link #wakeup}, or the timeout, consuming every pending interrupt.
     *
     * @param timeoutNanos {@code 0} only checks, {@code < 0} waits without a limit
     * @return true if an interrupt (or wakeup) arrived, false on timeout
     */
    boolean awaitInterrupt(long timeoutNanos) throws IOException;

    /** Makes a concurrent {@link #awaitInterrupt} return soon. */
    void wakeup();

    /** Whether interrupts are delivered at all ({@code poll}: no, the driver must poll). */
    default boolean interruptsDelivered() {
        return true;
    }

    String describe();

    @Override
    void close();
}

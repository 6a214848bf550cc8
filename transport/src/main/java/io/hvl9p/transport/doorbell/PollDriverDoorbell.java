package io.hvl9p.transport.doorbell;

import java.io.IOException;

/**
 * The front-end's side of {@code poll}: {@link #kick} does nothing (the back-end polls), no
 * interrupts are delivered ({@link #interruptsDelivered} is false, the driver polls its used rings),
 * and {@link #awaitInterrupt} waits up to the timeout for a {@link #wakeup} only.
 */
public final class PollDriverDoorbell implements DriverDoorbell {
    private final long intervalNanos;
    private final Bell bell;

    private PollDriverDoorbell(long intervalNanos) throws IOException {
        this.intervalNanos = intervalNanos;
        this.bell = new Bell(PollDoorbell.describe(intervalNanos) + " (front-end)", -1, fd -> {}, () -> {});
    }

    /** The front-end side of a poll doorbell with the given interval ({@code > 0}; for messages). */
    public static PollDriverDoorbell create(long intervalNanos) throws IOException {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("poll interval must be > 0 ns, got " + intervalNanos);
        }
        return new PollDriverDoorbell(intervalNanos);
    }

    /** Does nothing: the back-end polls. */
    @Override
    public void kick() {}

    /** Waits up to the timeout for a {@link #wakeup}; returns true only if woken. */
    @Override
    public boolean awaitInterrupt(long timeoutNanos) throws IOException {
        return bell.await(timeoutNanos);
    }

    @Override
    public void wakeup() {
        bell.wakeup();
    }

    @Override
    public boolean interruptsDelivered() {
        return false;
    }

    /** The back-end's poll interval. */
    public long pollIntervalNanos() {
        return intervalNanos;
    }

    @Override
    public String describe() {
        return PollDoorbell.describe(intervalNanos);
    }

    @Override
    public void close() {
        bell.close();
    }

    @Override
    public String toString() {
        return describe() + " (front-end)";
    }
}

package io.hvl9p.transport.doorbell;

import java.io.IOException;

/**
 * The back-end's {@code poll[:INTERVAL]} doorbell (hvl-transport.md section 5), for boards without a
 * usable inter-processor interrupt: nothing kicks, so the controller looks at the register blocks
 * and available indices every {@link #pollIntervalNanos()}; nothing interrupts, so {@link
 * #interrupt} does nothing and the front-end polls the used rings.
 *
 * <p>{@link #awaitKick} only waits, on an eventfd, for a {@link #wakeup}; it never waits longer than
 * the interval (also when asked to wait forever), so a controller that waits for kicks still polls
 * at the configured rate. It returns true only if woken.
 */
public final class PollDoorbell implements Doorbell {
    /** The interval of a plain {@code poll} spec: 1 ms. */
    public static final long DEFAULT_INTERVAL_NANOS = 1_000_000L;

    private final long intervalNanos;
    private final Bell bell;

    private PollDoorbell(long intervalNanos) throws IOException {
        this.intervalNanos = intervalNanos;
        this.bell = new Bell(describe(intervalNanos), -1, fd -> {}, () -> {});
    }

    /** A poll doorbell with the given interval ({@code > 0}). */
    public static PollDoorbell create(long intervalNanos) throws IOException {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("poll interval must be > 0 ns, got " + intervalNanos);
        }
        return new PollDoorbell(intervalNanos);
    }

    @Override
    public boolean awaitKick(long timeoutNanos) throws IOException {
        return bell.await(timeoutNanos < 0 ? intervalNanos : Math.min(timeoutNanos, intervalNanos));
    }

    /** Does nothing: the front-end polls. */
    @Override
    public void interrupt() {}

    @Override
    public void wakeup() {
        bell.wakeup();
    }

    /** Nothing to drain. */
    @Override
    public void drain() {}

    @Override
    public long pollIntervalNanos() {
        return intervalNanos;
    }

    @Override
    public String describe() {
        return describe(intervalNanos);
    }

    static String describe(long intervalNanos) {
        return "poll:" + Doorbells.formatDuration(intervalNanos);
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

package io.hvl9p.server;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling it until a deadline: tests never sleep for a fixed time. */
public final class Poll {
    /** The default deadline: long enough for a loaded machine, short against the 60 s server timeouts. */
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    private Poll() {}

    public static void until(BooleanSupplier condition, Supplier<String> what) {
        until(DEADLINE, condition, what);
    }

    public static void until(Duration deadline, BooleanSupplier condition, Supplier<String> what) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + deadline + ": " + what.get());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits until {@code t} is parked with {@code state} (for example blocked on a semaphore). */
    public static void untilState(Thread t, Thread.State state) {
        until(() -> t.getState() == state, () -> t.getName() + " is " + t.getState() + ", not " + state);
    }

    /** Joins {@code t} within the deadline. */
    public static void join(Thread t) throws InterruptedException {
        t.join(DEADLINE);
        if (t.isAlive()) {
            throw new AssertionError(t.getName() + " still running after " + DEADLINE);
        }
    }
}

package io.hvl9p.server.contract;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition by polling it until a deadline (never a fixed sleep). */
final class Poll {
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private Poll() {}

    /** Probes until {@code done} holds and returns the last value; fails with {@code what} and the last value at the deadline. */
    static <T> T until(String what, Supplier<T> probe, Predicate<T> done) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        T v = probe.get();
        while (!done.test(v)) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(what + " (not within " + DEADLINE + "); last seen: " + v);
            }
            Thread.onSpinWait();
            Thread.yield();
            v = probe.get();
        }
        return v;
    }
}

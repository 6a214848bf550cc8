package io.hvl9p.console;

/**
 * A monotonic nanosecond clock, injected so that idle-time decisions (the partial-line flush of
 * {@link LineAssembler}) are deterministic in tests.
 */
@FunctionalInterface
public interface Ticker {
    /** Nanoseconds from an arbitrary origin; only differences mean something. */
    long nanos();

    /** {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}

package io.hvl9p.conformance.load;

/**
 * Latency of the measured operations, from sending an operation's first request to receiving its
 * last reply, in nanoseconds. Percentiles come from a log-linear histogram and are within 1.6 %.
 *
 * @param count operations recorded
 * @param p50Nanos median
 * @param p99Nanos 99th percentile
 * @param maxNanos largest value, exact
 * @param meanNanos arithmetic mean, exact
 */
public record Latency(long count, long p50Nanos, long p99Nanos, long maxNanos, double meanNanos) {
    public static final Latency NONE = new Latency(0, 0, 0, 0, 0);
}

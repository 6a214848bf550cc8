package io.hvl9p.conformance.load;

/**
 * A log-linear histogram of nanosecond latencies: values below 128 are exact, larger ones fall into
 * 64 buckets per power of two, so any reported value is within 1/64 (1.6 %) of the truth. Fixed
 * size (about 30 KiB), no allocation per record; one writer at a time; merged after the run.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int LINEAR = 2 * SUB;
    private static final int BUCKETS = LINEAR + (63 - (SUB_BITS + 1)) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;
    private double sum;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        sum += v;
        max = Math.max(max, v);
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    /**
     * The smallest recorded value v such that at least {@code fraction} of all values are <= v,
     * as the middle of its bucket (never above the largest value seen); 0 when empty.
     */
    long percentile(double fraction) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, middle(i));
            }
        }
        return max;
    }

    Latency summary() {
        return new Latency(total, percentile(0.50), percentile(0.99), max, total == 0 ? 0 : sum / total);
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int e = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS + 1
        int sub = (int) (v >>> (e - SUB_BITS)) & (SUB - 1);
        return LINEAR + (e - SUB_BITS - 1) * SUB + sub;
    }

    /** The lowest value of bucket {@code i}. */
    static long lowest(int i) {
        if (i < LINEAR) {
            return i;
        }
        int e = (i - LINEAR) / SUB + SUB_BITS + 1;
        long sub = (i - LINEAR) % SUB;
        return (1L << e) | (sub << (e - SUB_BITS));
    }

    static long middle(int i) {
        if (i < LINEAR) {
            return i;
        }
        int e = (i - LINEAR) / SUB + SUB_BITS + 1;
        return lowest(i) + (1L << (e - SUB_BITS - 1));
    }
}

package io.hvl9p.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LatencyHistogramTest {
    @ParameterizedTest
    @ValueSource(longs = {0, 1, 127, 128, 129, 255, 256, 1000, 12_345, 1_000_000_007L, Long.MAX_VALUE})
    void everyValueFallsIntoTheBucketThatCoversIt(long v) {
        int i = LatencyHistogram.index(v);
        assertThat(LatencyHistogram.lowest(i)).isLessThanOrEqualTo(v);
        if (v < Long.MAX_VALUE / 2) {
            assertThat(LatencyHistogram.lowest(i + 1)).isGreaterThan(v);
        }
        assertThat((double) LatencyHistogram.middle(i)).isCloseTo(v, within(v / 64.0 + 1));
    }

    @Test
    void bucketsAreContiguousAndIncreasing() {
        for (int i = 1; i < LatencyHistogram.index(Long.MAX_VALUE); i++) {
            assertThat(LatencyHistogram.lowest(i)).isGreaterThan(LatencyHistogram.lowest(i - 1));
            assertThat(LatencyHistogram.index(LatencyHistogram.lowest(i))).isEqualTo(i);
            assertThat(LatencyHistogram.index(LatencyHistogram.lowest(i) - 1)).isEqualTo(i - 1);
        }
    }

    @Test
    void percentilesOfAUniformSpreadAreWithinPrecision() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v * 10);
        }
        Latency s = h.summary();
        assertThat(s.count()).isEqualTo(100_000);
        assertThat((double) s.p50Nanos()).isCloseTo(500_000, within(500_000 / 64.0));
        assertThat((double) s.p99Nanos()).isCloseTo(990_000, within(990_000 / 64.0));
        assertThat(s.maxNanos()).isEqualTo(1_000_000);
        assertThat(s.meanNanos()).isCloseTo(500_005, within(0.5));
    }

    @Test
    void mergingAddsCountsAndKeepsTheMaximum() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int i = 0; i < 99; i++) {
            a.record(100);
        }
        b.record(5_000_000);
        a.add(b);
        assertThat(a.count()).isEqualTo(100);
        assertThat(a.percentile(0.50)).isEqualTo(100);
        assertThat(a.percentile(0.99)).isEqualTo(100);
        assertThat(a.percentile(1.0)).isEqualTo(5_000_000);
    }

    @Test
    void emptyReportsZeros() {
        assertThat(new LatencyHistogram().summary()).isEqualTo(new Latency(0, 0, 0, 0, 0));
    }
}

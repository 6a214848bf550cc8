package io.hvl9p.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadConfigTest {
    LoadConfig.Builder valid() {
        return LoadConfig.builder().target("tcp:127.0.0.1:564");
    }

    @Test
    void durationAndOperationsReplaceEachOther() {
        LoadConfig counted =
                valid().duration(Duration.ofSeconds(2)).operations(10).build();
        assertThat(counted.counted()).isTrue();
        assertThat(counted.duration()).isNull();
        LoadConfig timed =
                valid().operations(10).duration(Duration.ofSeconds(2)).build();
        assertThat(timed.counted()).isFalse();
        assertThat(timed.operations()).isZero();
    }

    @Test
    void failsFastSayingWhy() {
        assertThatThrownBy(() -> LoadConfig.builder().build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("target");
        assertThatThrownBy(() -> valid().connections(List.of()).build()).hasMessage("no connection count chosen");
        assertThatThrownBy(() -> valid().connections(1, 257).build()).hasMessage("connections 257 (expected: 1..256)");
        assertThatThrownBy(() -> valid().workloads().build()).hasMessage("no workload chosen");
        assertThatThrownBy(() -> valid().msize(100).build()).hasMessage("msize 100 (expected: >= 4096)");
        assertThatThrownBy(() -> valid().warmup(Duration.ofSeconds(-1)).build()).hasMessageContaining("negative");
        assertThatThrownBy(() -> valid().operations(0)).hasMessage("operations 0 (expected: > 0)");
        assertThatThrownBy(() -> valid().timeout(Duration.ZERO).build()).hasMessage("timeout PT0S (expected: > 0)");
    }

    @Test
    void listsAreCopied() {
        List<Integer> counts = new java.util.ArrayList<>(List.of(1));
        LoadConfig c = valid().connections(counts).build();
        counts.add(2);
        assertThat(c.connections()).containsExactly(1);
    }
}

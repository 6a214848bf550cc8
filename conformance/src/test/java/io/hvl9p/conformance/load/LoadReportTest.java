package io.hvl9p.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadReportTest {
    static final LoadResult READ = new LoadResult(
            Workload.READ,
            4,
            1,
            65536,
            65512,
            2048,
            2048L * 65512,
            Duration.ofSeconds(2),
            new Latency(2048, 40_000, 90_000, 1_000_000, 45_000.5),
            new LoadResult.ReadDetail("f", 65512 * 512L, List.of(65512 * 512L, 65512 * 512L)));

    static final LoadResult CHURN = new LoadResult(
            Workload.CREATE_UNLINK,
            1,
            2,
            65536,
            0,
            1000,
            0,
            Duration.ofMillis(500),
            new Latency(1000, 250_000, 400_000, 900_000, 260_000),
            new LoadResult.CreateUnlinkDetail(UnlinkMethod.WALK_REMOVE));

    @Test
    void derivedRatesUseTheMeasuredTime() {
        assertThat(READ.opsPerSecond()).isEqualTo(1024.0);
        assertThat(READ.mibPerSecond()).isEqualTo(63.9765625);
        assertThat(READ.primary()).isEqualTo(READ.mibPerSecond());
        assertThat(CHURN.primary()).isEqualTo(2000.0);
        assertThat(CHURN.primaryUnit()).isEqualTo("ops/s");
    }

    @Test
    void jsonPutsEachResultOnOneLineWithTheHeadlineFirst() {
        LoadConfig c = LoadConfig.builder()
                .target("tcp:127.0.0.1:564")
                .aname("/srv/a \"b\"")
                .build();
        List<String> lines = LoadReport.json(c, List.of(READ, CHURN)).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0))
                .isEqualTo("{\"target\":\"tcp:127.0.0.1:564\",\"aname\":\"/srv/a \\\"b\\\"\",\"depth\":1,"
                        + "\"warmup_s\":1.000,\"duration_s\":5.000,\"file_size\":67108864,\"results\":[");
        assertThat(lines.get(1))
                .startsWith("{\"workload\":\"read\",\"connections\":4,\"primary\":63.977,\"unit\":\"MiB/s\",")
                .contains("\"bytes\":134168576,", "\"p50_us\":40.000,", "\"passes\":2")
                .endsWith("},");
        assertThat(lines.get(2))
                .startsWith(
                        "{\"workload\":\"create-unlink\",\"connections\":1,\"primary\":2000.000,\"unit\":\"ops/s\",")
                .endsWith("\"unlink\":\"Twalk+Tremove\"}");
        assertThat(lines.get(3)).isEqualTo("]}");
    }

    @Test
    void tableHasAHeaderAndARowPerResult() {
        List<String> rows = LoadReport.table(List.of(READ, CHURN)).lines().toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).startsWith("workload").contains("MiB/s", "p99-us");
        assertThat(rows.get(1).split(" +"))
                .startsWith("read", "4", "1", "65512", "2048", "2.00", "1024.0", "64.0", "40.0", "90.0");
        assertThat(rows.get(2)).startsWith("create-unlink").endsWith("unlink by Twalk+Tremove");
    }

    @Test
    void quoteEscapesControlCharacters() {
        assertThat(LoadReport.quote("a\tb\u0001\\")).isEqualTo("\"a\\tb\\u0001\\\\\"");
    }
}

package io.hvl9p.conformance.load;

import java.util.List;
import java.util.Locale;

/**
 * Renders results as a plain-text table or as JSON. The JSON puts each result on a line of its
 * own, with the fields always in the same order, so shell scripts can pick numbers out with sed.
 */
public final class LoadReport {
    private LoadReport() {}

    private static final String ROW = "%-14s %5s %5s %8s %10s %8s %11s %9s %9s %9s  %s%n";

    /** A table with one row per result. */
    public static String table(List<LoadResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                ROW,
                "workload",
                "conns",
                "depth",
                "io-size",
                "ops",
                "seconds",
                "ops/s",
                "MiB/s",
                "p50-us",
                "p99-us",
                "note"));
        for (LoadResult r : results) {
            sb.append(String.format(
                    Locale.ROOT,
                    ROW,
                    r.workload().cliName(),
                    r.connections(),
                    r.depth(),
                    r.ioSize() == 0 ? "-" : Integer.toString(r.ioSize()),
                    r.operations(),
                    fixed(r.seconds(), 2),
                    fixed(r.opsPerSecond(), 1),
                    r.workload().measuresThroughput() ? fixed(r.mibPerSecond(), 1) : "-",
                    fixed(r.latency().p50Nanos() / 1e3, 1),
                    fixed(r.latency().p99Nanos() / 1e3, 1),
                    note(r)));
        }
        return sb.toString();
    }

    private static String note(LoadResult r) {
        return switch (r.detail()) {
            case LoadResult.CreateUnlinkDetail d -> "unlink by " + d.method().label();
            case LoadResult.ReadDetail d -> d.bytesPerPass().size() + " full passes of " + d.fileSize() + " B";
            case LoadResult.WriteDetail _ -> "msize " + r.msize();
            case LoadResult.GetattrDetail _ -> "";
        };
    }

    /** The configuration and the results as one JSON object. */
    public static String json(LoadConfig config, List<LoadResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"target\":")
                .append(quote(config.target().toString()))
                .append(",\"aname\":")
                .append(quote(config.aname()))
                .append(",\"depth\":")
                .append(config.depth())
                .append(",\"warmup_s\":")
                .append(fixed(config.warmup().toNanos() / 1e9, 3))
                .append(config.counted() ? ",\"operations_per_connection\":" + config.operations() : "")
                .append(
                        config.counted()
                                ? ""
                                : ",\"duration_s\":" + fixed(config.duration().toNanos() / 1e9, 3))
                .append(",\"file_size\":")
                .append(config.fileSize())
                .append(",\"results\":[\n");
        for (int i = 0; i < results.size(); i++) {
            sb.append(json(results.get(i))).append(i + 1 < results.size() ? ",\n" : "\n");
        }
        return sb.append("]}\n").toString();
    }

    /** One result as a one-line JSON object; {@code primary} is MiB/s or ops/s as {@code unit} says. */
    public static String json(LoadResult r) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"workload\":").append(quote(r.workload().cliName()));
        sb.append(",\"connections\":").append(r.connections());
        sb.append(",\"primary\":").append(fixed(r.primary(), 3));
        sb.append(",\"unit\":").append(quote(r.primaryUnit()));
        sb.append(",\"depth\":").append(r.depth());
        sb.append(",\"msize\":").append(r.msize());
        sb.append(",\"io_size\":").append(r.ioSize());
        sb.append(",\"operations\":").append(r.operations());
        sb.append(",\"bytes\":").append(r.bytes());
        sb.append(",\"seconds\":").append(fixed(r.seconds(), 6));
        sb.append(",\"ops_per_s\":").append(fixed(r.opsPerSecond(), 3));
        sb.append(",\"mib_per_s\":").append(fixed(r.mibPerSecond(), 3));
        sb.append(",\"p50_us\":").append(fixed(r.latency().p50Nanos() / 1e3, 3));
        sb.append(",\"p99_us\":").append(fixed(r.latency().p99Nanos() / 1e3, 3));
        sb.append(",\"max_us\":").append(fixed(r.latency().maxNanos() / 1e3, 3));
        sb.append(",\"mean_us\":").append(fixed(r.latency().meanNanos() / 1e3, 3));
        switch (r.detail()) {
            case LoadResult.CreateUnlinkDetail d ->
                sb.append(",\"unlink\":").append(quote(d.method().label()));
            case LoadResult.ReadDetail d ->
                sb.append(",\"file_size\":")
                        .append(d.fileSize())
                        .append(",\"passes\":")
                        .append(d.bytesPerPass().size());
            case LoadResult.WriteDetail d ->
                sb.append(",\"files\":").append(d.files().size());
            case LoadResult.GetattrDetail _ -> {}
        }
        return sb.append('}').toString();
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}

package io.hvl9p.conformance.load;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one workload did with one number of connections, over the measured phase only (warm-up
 * excluded). Throughput is {@code operations} (or {@code bytes}) over {@code elapsed}, which runs
 * from the end of the warm-up to the last measured reply.
 *
 * @param workload what was measured
 * @param connections connections, each driven by its own thread
 * @param depth operations outstanding per connection
 * @param msize the msize the server chose
 * @param ioSize the count of each Tread/Twrite: {@code msize-24}, or the server's smaller iounit
 * @param operations measured operations, all connections together
 * @param bytes bytes the server said it read or wrote in measured operations (0 for metadata workloads)
 * @param elapsed length of the measured phase
 * @param latency per-operation latency
 * @param detail what the workload left or found, for checks
 */
public record LoadResult(
        Workload workload,
        int connections,
        int depth,
        int msize,
        int ioSize,
        long operations,
        long bytes,
        Duration elapsed,
        Latency latency,
        Detail detail) {
    public LoadResult {
        Objects.requireNonNull(workload);
        Objects.requireNonNull(elapsed);
        Objects.requireNonNull(latency);
        Objects.requireNonNull(detail);
    }

    public double seconds() {
        return elapsed.toNanos() / 1e9;
    }

    public double opsPerSecond() {
        return elapsed.isZero() ? 0 : operations / seconds();
    }

    public double mibPerSecond() {
        return elapsed.isZero() ? 0 : bytes / seconds() / (1024.0 * 1024.0);
    }

    /** The headline number: MiB/s for read and write, ops/s otherwise. */
    public double primary() {
        return workload.measuresThroughput() ? mibPerSecond() : opsPerSecond();
    }

    /** {@code "MiB/s"} or {@code "ops/s"}. */
    public String primaryUnit() {
        return workload.measuresThroughput() ? "MiB/s" : "ops/s";
    }

    /** Workload-specific facts, one record per workload. */
    public sealed interface Detail {}

    /** @param file the name (in the attach directory) of the file every connection stat'ed */
    public record GetattrDetail(String file) implements Detail {}

    /**
     * @param file the name of the file read
     * @param fileSize its size
     * @param bytesPerPass the bytes received in each complete measured sequential pass over the
     *     file, over all connections; every entry equals {@code fileSize} unless a read came back short
     */
    public record ReadDetail(String file, long fileSize, List<Long> bytesPerPass) implements Detail {
        public ReadDetail {
            bytesPerPass = List.copyOf(bytesPerPass);
        }
    }

    /**
     * @param files one file per connection, each with the size it must have now: the highest
     *     offset written (warm-up included), at most the configured file size since writes wrap
     */
    public record WriteDetail(List<WrittenFile> files) implements Detail {
        public WriteDetail {
            files = List.copyOf(files);
        }
    }

    public record WrittenFile(String name, long expectedSize) {}

    /** @param method how files were removed (the server's answer to a probing Tunlinkat decides) */
    public record CreateUnlinkDetail(UnlinkMethod method) implements Detail {}
}

package io.hvl9p.conformance.load;

import io.hvl9p.protocol.MiscConstants;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Immutable configuration of a load run; build one with {@link #builder()}, which fails fast and
 * says why. A run is timed ({@link Builder#duration}) or counted ({@link Builder#operations}),
 * always after a timed warm-up (which may be zero).
 *
 * @param target where the server listens
 * @param aname the attach name: the exported path for diod, the export's name for hvl9p
 * @param uname the attach user name
 * @param nUname the attach numeric uid, or {@link MiscConstants#NONUNAME}
 * @param msize the msize asked for; the server may choose less and the run uses its choice
 * @param workloads what to run, in this order
 * @param connections the numbers of connections to run each workload with, in this order
 * @param depth operations outstanding per connection (1: each waits for the previous reply)
 * @param warmup how long each run goes before measuring
 * @param duration how long each run measures, or {@code null} for a counted run
 * @param operations measured operations per connection in a counted run, or 0 for a timed run
 * @param fileSize size of the read workload's file, and where the write workload wraps to offset 0
 * @param keepFiles whether to leave the files of read, write and getattr behind (for checks)
 * @param timeout longest wait for any one reply
 */
public record LoadConfig(
        Target target,
        String aname,
        String uname,
        int nUname,
        int msize,
        List<Workload> workloads,
        List<Integer> connections,
        int depth,
        Duration warmup,
        Duration duration,
        long operations,
        long fileSize,
        boolean keepFiles,
        Duration timeout) {

    public static final int DEFAULT_MSIZE = 1024 * 1024 + MiscConstants.IOHDRSZ;
    public static final long DEFAULT_FILE_SIZE = 64L * 1024 * 1024;
    public static final int MAX_CONNECTIONS = 256;
    public static final int MAX_DEPTH = 1024;

    public LoadConfig {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(aname, "aname");
        Objects.requireNonNull(uname, "uname");
        workloads = List.copyOf(workloads);
        connections = List.copyOf(connections);
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(timeout, "timeout");
        require(msize >= 4096, "msize " + msize + " (expected: >= 4096)");
        require(!workloads.isEmpty(), "no workload chosen");
        require(!connections.isEmpty(), "no connection count chosen");
        for (int c : connections) {
            require(c >= 1 && c <= MAX_CONNECTIONS, "connections " + c + " (expected: 1.." + MAX_CONNECTIONS + ")");
        }
        require(depth >= 1 && depth <= MAX_DEPTH, "depth " + depth + " (expected: 1.." + MAX_DEPTH + ")");
        require(!warmup.isNegative(), "negative warm-up " + warmup);
        require(
                (duration == null) != (operations == 0),
                "choose either a duration or a count of operations (got duration " + duration + ", operations "
                        + operations + ")");
        require(duration == null || duration.isPositive(), "duration " + duration + " (expected: > 0)");
        require(operations >= 0, "operations " + operations + " (expected: > 0)");
        require(fileSize >= 1, "file size " + fileSize + " (expected: >= 1 byte)");
        require(timeout.isPositive(), "timeout " + timeout + " (expected: > 0)");
    }

    private static void require(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }

    /** Whether the run stops after a count of operations rather than after a time. */
    public boolean counted() {
        return duration == null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: uname "root", NONUNAME, msize 1 MiB + 24, every workload, connections 1 and 4, depth 1,
     * warm-up 1 s, 5 s measured, 64 MiB file, files removed, 30 s timeout. */
    public static final class Builder {
        private Target target;
        private String aname = "";
        private String uname = "root";
        private int nUname = MiscConstants.NONUNAME;
        private int msize = DEFAULT_MSIZE;
        private List<Workload> workloads = List.of(Workload.values());
        private List<Integer> connections = List.of(1, 4);
        private int depth = 1;
        private Duration warmup = Duration.ofSeconds(1);
        private Duration duration = Duration.ofSeconds(5);
        private long operations;
        private long fileSize = DEFAULT_FILE_SIZE;
        private boolean keepFiles;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder() {}

        public Builder target(Target target) {
            this.target = target;
            return this;
        }

        /** Parses {@code tcp:HOST:PORT} or {@code unix:PATH}. */
        public Builder target(String spec) {
            return target(Target.parse(spec));
        }

        public Builder aname(String aname) {
            this.aname = aname;
            return this;
        }

        public Builder uname(String uname) {
            this.uname = uname;
            return this;
        }

        public Builder nUname(int nUname) {
            this.nUname = nUname;
            return this;
        }

        public Builder msize(int msize) {
            this.msize = msize;
            return this;
        }

        public Builder workloads(Workload... workloads) {
            return workloads(List.of(workloads));
        }

        public Builder workloads(List<Workload> workloads) {
            this.workloads = new ArrayList<>(workloads);
            return this;
        }

        public Builder connections(Integer... counts) {
            return connections(List.of(counts));
        }

        public Builder connections(List<Integer> counts) {
            this.connections = new ArrayList<>(counts);
            return this;
        }

        public Builder depth(int depth) {
            this.depth = depth;
            return this;
        }

        public Builder warmup(Duration warmup) {
            this.warmup = warmup;
            return this;
        }

        /** Measures for this long; replaces a count of operations. */
        public Builder duration(Duration duration) {
            this.duration = duration;
            this.operations = 0;
            return this;
        }

        /** Measures this many operations per connection; replaces a duration. */
        public Builder operations(long perConnection) {
            if (perConnection <= 0) {
                throw new IllegalArgumentException("operations " + perConnection + " (expected: > 0)");
            }
            this.operations = perConnection;
            this.duration = null;
            return this;
        }

        public Builder fileSize(long bytes) {
            this.fileSize = bytes;
            return this;
        }

        public Builder keepFiles(boolean keep) {
            this.keepFiles = keep;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** The configuration; throws {@link IllegalArgumentException} or {@link NullPointerException} saying what is wrong. */
        public LoadConfig build() {
            return new LoadConfig(
                    target,
                    aname,
                    uname,
                    nUname,
                    msize,
                    workloads,
                    connections,
                    depth,
                    warmup,
                    duration,
                    operations,
                    fileSize,
                    keepFiles,
                    timeout);
        }
    }
}

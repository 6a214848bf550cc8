package io.hvl9p.conformance.load;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What one run measures. Each operation is described with the requests it sends. */
public enum Workload {
    /** One Tgetattr (mask BASIC) on a fid walked once to a small file; ops/s and latency. */
    GETATTR("getattr", false),
    /** One Tread of {@code msize-24} bytes, sequentially through a file the tool created; MiB/s. */
    READ("read", true),
    /** One Twrite of {@code msize-24} bytes, sequentially into a new file per connection; MiB/s. */
    WRITE("write", true),
    /**
     * Twalk (clone) + Tlcreate + Tclunk + Tunlinkat of a unique name, or Twalk + Tremove instead of
     * Tunlinkat when the server answers it with EOPNOTSUPP (as diod does); ops/s.
     */
    CREATE_UNLINK("create-unlink", false);

    private final String cliName;
    private final boolean throughput;

    Workload(String cliName, boolean throughput) {
        this.cliName = cliName;
        this.throughput = throughput;
    }

    /** The name on the command line and in reports, e.g. {@code create-unlink}. */
    public String cliName() {
        return cliName;
    }

    /** Whether the headline number is MiB/s (otherwise ops/s). */
    public boolean measuresThroughput() {
        return throughput;
    }

    /** The workload of a command-line name; throws {@link IllegalArgumentException} listing the known ones. */
    public static Workload of(String name) {
        for (Workload w : values()) {
            if (w.cliName.equals(name)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "' (known: "
                + Arrays.stream(values()).map(Workload::cliName).collect(Collectors.joining(", ")) + ")");
    }
}

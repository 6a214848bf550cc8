package io.hvl9p.conformance.load;

import java.io.IOException;
import java.util.List;

/**
 * A workload's part outside the connections: what all of them share (files created before and
 * removed after the run, on the control session), a {@link Driver} per connection, and the facts
 * gathered from the drivers afterwards.
 */
interface Fixture {
    void setUp(Session control) throws IOException;

    Driver driver(int connection);

    LoadResult.Detail detail(List<Driver> drivers);

    void tearDown(Session control) throws IOException;

    /** The fixture of {@code workload}; every file it makes has a name starting with {@code prefix}. */
    static Fixture of(Workload workload, LoadConfig config, String prefix) {
        return switch (workload) {
            case GETATTR -> new GetattrWorkload(prefix + "stat", config.keepFiles());
            case READ -> new ReadWorkload(prefix + "read", config.fileSize(), config.keepFiles());
            case WRITE -> new WriteWorkload(prefix + "write-", config.fileSize(), config.keepFiles());
            case CREATE_UNLINK -> new CreateUnlinkWorkload(prefix + "cu-");
        };
    }
}

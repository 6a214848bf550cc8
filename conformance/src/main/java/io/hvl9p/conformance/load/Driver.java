package io.hvl9p.conformance.load;

import java.io.IOException;

/**
 * One connection's share of a workload: opens what it needs before the clock starts, starts
 * operations on request, and cleans up afterwards. All methods run on the connection's thread.
 */
interface Driver {
    void setUp(Session session) throws IOException;

    /** Sends the first request of {@code op}; the workload finishes it with {@link Op#done}. */
    void start(Op op, Pipeline pipeline) throws IOException;

    /** Clunks what {@link #setUp} opened; runs only after every operation finished. */
    void tearDown(Session session) throws IOException;

    /** The count of each Tread/Twrite, or 0 for metadata workloads. */
    default int ioCount() {
        return 0;
    }
}

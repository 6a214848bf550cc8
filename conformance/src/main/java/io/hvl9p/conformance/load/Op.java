package io.hvl9p.conformance.load;

/**
 * One operation in flight: its start and whether it belongs to the measured phase. A workload
 * calls {@link #done} exactly once, from its last reply's handler.
 */
final class Op {
    interface Completion {
        void completed(Op op, long bytes, long endNanos);
    }

    final long seq;
    final long startNanos;
    final boolean measured;
    private final Completion completion;
    private boolean done;

    Op(long seq, long startNanos, boolean measured, Completion completion) {
        this.seq = seq;
        this.startNanos = startNanos;
        this.measured = measured;
        this.completion = completion;
    }

    void done(long bytes, long endNanos) {
        if (done) {
            throw new IllegalStateException("operation " + seq + " completed twice");
        }
        done = true;
        completion.completed(this, bytes, endNanos);
    }
}

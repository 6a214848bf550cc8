package io.hvl9p.conformance.load;

import java.io.IOException;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One connection on its own thread: connects and sets up, waits for all others at the start
 * barrier, then keeps up to {@code depth} operations in flight until the phase ends. Everything
 * except the barrier is confined to this thread; the generator reads the counters after
 * {@link Thread#join}.
 */
final class ConnectionRunner implements Op.Completion {
    /** When warm-up ends and measuring ends ({@link System#nanoTime} values); set by the barrier action. */
    record Phases(long measureStart, long measureEnd) {}

    private final LoadConfig config;
    private final Driver driver;
    private final CyclicBarrier start;
    private final Supplier<Phases> phases;

    final LatencyHistogram histogram = new LatencyHistogram();
    long operations;
    long bytes;
    long lastEnd;
    int msize;
    private int inflight;

    ConnectionRunner(LoadConfig config, Driver driver, CyclicBarrier start, Supplier<Phases> phases) {
        this.config = config;
        this.driver = driver;
        this.start = start;
        this.phases = phases;
    }

    void run() throws IOException {
        boolean started = false;
        try (Session session = Session.open(config)) {
            msize = session.client().msize();
            driver.setUp(session);
            started = true;
            awaitStart();
            measure(new Pipeline(session.client(), config.timeout()), phases.get());
            driver.tearDown(session);
        } finally {
            if (!started) {
                start.reset(); // the others must not wait for a connection that will never come
            }
        }
    }

    private void awaitStart() throws IOException {
        try {
            start.await(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IOException("another connection failed to set up", e);
        }
    }

    private void measure(Pipeline pipeline, Phases p) throws IOException {
        int depth = config.depth();
        long measuredStarted = 0;
        long seq = 0;
        while (true) {
            long now = System.nanoTime();
            while (inflight < depth) {
                boolean measuring = now - p.measureStart() >= 0;
                if (measuring
                        && (config.counted() ? measuredStarted >= config.operations() : now - p.measureEnd() >= 0)) {
                    break;
                }
                if (measuring) {
                    measuredStarted++;
                }
                inflight++;
                driver.start(new Op(seq++, now, measuring, this), pipeline);
                now = System.nanoTime();
            }
            if (inflight == 0) {
                return;
            }
            pipeline.runNext();
        }
    }

    @Override
    public void completed(Op op, long opBytes, long endNanos) {
        inflight--;
        if (op.measured) {
            operations++;
            bytes += opBytes;
            histogram.record(endNanos - op.startNanos);
            lastEnd = Math.max(lastEnd, endNanos);
        }
    }
}

package io.hvl9p.console;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One device's line dispatcher: a bounded queue and one daemon thread that calls the sink, so a
 * slow sink (a log file on a busy disk, a stuck socket client) never stalls the pool's controller
 * thread and with it the runtime, which spins on a full TX ring (hvl-transport.md 3a.7). When the
 * queue is full the newest line is dropped and counted; lines keep their order otherwise.
 */
final class SinkThread {
    private static final System.Logger LOG = System.getLogger(SinkThread.class.getName());
    private static final String END = new String("end");

    private final String runtime;
    private final ConsoleSink sink;
    private final BlockingQueue<String> queue;
    private final Thread thread;
    private long offered;
    private long done;
    private long dropped;
    private boolean closed;

    SinkThread(String runtime, ConsoleSink sink, int capacity) {
        this.runtime = runtime;
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.thread =
                Thread.ofPlatform().name("hvl9p-console-" + runtime).daemon().start(this::run);
    }

    /** Queues a line; never blocks. Returns false if it was dropped (queue full or closed). */
    synchronized boolean offer(String line) {
        if (closed || queue.remainingCapacity() <= 1 || !queue.offer(line)) {
            dropped++;
            if (dropped == 1 || Long.bitCount(dropped) == 1) {
                LOG.log(Level.WARNING, "{0}: console sink is behind, {1} lines dropped so far", runtime, dropped);
            }
            return false;
        }
        offered++;
        return true;
    }

    synchronized long dropped() {
        return dropped;
    }

    /** Waits until every queued line went through the sink; false on timeout. */
    synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done < offered) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private void run() {
        while (true) {
            String line;
            try {
                line = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (line == END) {
                return;
            }
            try {
                sink.line(runtime, line);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "{0}: console sink failed: {1}", runtime, e.toString());
            }
            synchronized (this) {
                done++;
                notifyAll();
            }
        }
    }

    /** Lets the queued lines through (for at most {@code timeout}), then stops the thread. */
    void close(Duration timeout) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(END); // the spare slot is kept for this
        }
        try {
            if (!thread.join(timeout)) {
                LOG.log(Level.WARNING, "{0}: console sink did not drain in {1}", runtime, timeout);
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

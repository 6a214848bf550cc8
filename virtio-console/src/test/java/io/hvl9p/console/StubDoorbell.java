package io.hvl9p.console;

import io.hvl9p.transport.doorbell.Doorbell;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-process doorbell: kicks release a semaphore, interrupts are counted. */
final class StubDoorbell implements Doorbell {
    private final Semaphore kicks = new Semaphore(0);
    private final AtomicInteger interrupts = new AtomicInteger();

    /** The front-end's kick. */
    void kick() {
        kicks.release();
    }

    int interrupts() {
        return interrupts.get();
    }

    @Override
    public boolean awaitKick(long timeoutNanos) {
        try {
            boolean got = timeoutNanos < 0
                    ? acquireForever()
                    : kicks.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
            kicks.drainPermits();
            return got;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean acquireForever() throws InterruptedException {
        kicks.acquire();
        return true;
    }

    @Override
    public void interrupt() {
        interrupts.incrementAndGet();
    }

    @Override
    public void wakeup() {
        kicks.release();
    }

    @Override
    public void drain() {
        kicks.drainPermits();
    }

    @Override
    public String describe() {
        return "stub";
    }

    @Override
    public void close() {}
}

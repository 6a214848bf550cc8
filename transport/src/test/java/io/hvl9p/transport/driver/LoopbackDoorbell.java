package io.hvl9p.transport.driver;

import io.hvl9p.transport.doorbell.Doorbell;
import io.hvl9p.transport.doorbell.DriverDoorbell;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory doorbell pair for tests: {@link #driver()} is the front-end side, {@link #device()}
 * the back-end side. Kicks and interrupts coalesce like a drained FIFO. An optional kick listener
 * runs synchronously in the kicking thread, before the kick is visible to the device side (a
 * synchronous back-end, or a probe of the registers at the moment of each kick).
 */
final class LoopbackDoorbell {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition kickCond = lock.newCondition();
    private final Condition irqCond = lock.newCondition();
    private boolean kickPending;
    private boolean kickWakeup;
    private boolean irqPending;
    private boolean irqWakeup;
    final AtomicLong kicks = new AtomicLong();
    final AtomicLong interrupts = new AtomicLong();
    private volatile Runnable kickListener = () -> {};

    void onKick(Runnable listener) {
        kickListener = listener;
    }

    private static boolean await(Condition c, long timeoutNanos, java.util.function.BooleanSupplier ready) {
        long left = timeoutNanos;
        while (!ready.getAsBoolean()) {
            if (timeoutNanos >= 0 && left <= 0) {
                return false;
            }
            try {
                left = c.awaitNanos(timeoutNanos < 0 ? TimeUnit.SECONDS.toNanos(1) : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private final DriverDoorbell driver = new DriverDoorbell() {
        @Override
        public void kick() {
            kicks.incrementAndGet();
            kickListener.run();
            lock.lock();
            try {
                kickPending = true;
                kickCond.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean awaitInterrupt(long timeoutNanos) {
            lock.lock();
            try {
                boolean got = await(irqCond, timeoutNanos, () -> irqPending || irqWakeup);
                irqPending = false;
                irqWakeup = false;
                return got;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void wakeup() {
            lock.lock();
            try {
                irqWakeup = true;
                irqCond.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String describe() {
            return "loopback";
        }

        @Override
        public void close() {}
    };

    private final Doorbell device = new Doorbell() {
        @Override
        public boolean awaitKick(long timeoutNanos) {
            lock.lock();
            try {
                boolean got = await(kickCond, timeoutNanos, () -> kickPending || kickWakeup);
                kickPending = false;
                kickWakeup = false;
                return got;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void interrupt() {
            interrupts.incrementAndGet();
            lock.lock();
            try {
                irqPending = true;
                irqCond.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void wakeup() {
            lock.lock();
            try {
                kickWakeup = true;
                kickCond.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void drain() {
            lock.lock();
            try {
                kickPending = false;
                irqPending = false;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String describe() {
            return "loopback";
        }

        @Override
        public void close() {}
    };

    DriverDoorbell driver() {
        return driver;
    }

    Doorbell device() {
        return device;
    }
}

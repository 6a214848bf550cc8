package io.hvl9p.transport.mmio;

import io.hvl9p.transport.doorbell.Doorbell;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.memory.GuestMemory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The back-end of one pool (one auxiliary runtime): its register blocks, its doorbell and the one
 * platform thread that evaluates them. On every kick (and, with a {@code poll} doorbell, every
 * interval) every device is evaluated against its private copy of the registers
 * (hvl-transport.md section 3b.2). After a pass that did work the thread keeps polling the
 * registers and available rings for a bounded, configurable time with VRING_USED_F_NO_NOTIFY set,
 * so that a busy driver needs no doorbell round trip (section 4.8); there is no sleep on the
 * notification path.
 *
 * <p>Interrupts are coalesced: completions during a pass are signalled once at its end; a
 * completion while the thread waits for a kick is signalled at once. The QueuePFN
 * acknowledgement and DEVICE_NEEDS_RESET are signalled at once, one interrupt each.
 */
public final class PoolController implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PoolController.class.getName());

    /**
     * Tuning of one pool.
     *
     * @param pollTime how long to keep polling after work before sleeping on the doorbell (0: never)
     * @param quietPeriod the ABA rule of 3a.5: after a re-initialisation, an unchanged QueuePFN is
     *     acknowledged once the front-end has not kicked for this long
     * @param queueNumMax the largest queue size offered (the devices may lower it)
     */
    public record Options(Duration pollTime, Duration quietPeriod, int queueNumMax) {
        public Options {
            Objects.requireNonNull(pollTime, "pollTime");
            Objects.requireNonNull(quietPeriod, "quietPeriod");
            if (pollTime.isNegative() || pollTime.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("poll time " + pollTime + " (expected: 0 to 1 s)");
            }
            if (quietPeriod.compareTo(Duration.ofMillis(1)) < 0 || quietPeriod.compareTo(Duration.ofSeconds(2)) > 0) {
                throw new IllegalArgumentException(
                        "quiet period " + quietPeriod + " (expected: 1 ms to 2 s, well under the front-end's 4 s)");
            }
            if (queueNumMax < 1 || queueNumMax > 32768 || Integer.bitCount(queueNumMax) != 1) {
                throw new IllegalArgumentException(
                        "QueueNumMax " + queueNumMax + " (expected: a power of two from 1 to 32768)");
            }
        }

        /** 50 µs of polling, a 50 ms quiet period, queues of up to 256 entries. */
        public static Options defaults() {
            return new Options(Duration.ofNanos(50_000), Duration.ofMillis(50), 256);
        }

        public Options withPollTime(Duration d) {
            return new Options(d, quietPeriod, queueNumMax);
        }

        public Options withQuietPeriod(Duration d) {
            return new Options(pollTime, d, queueNumMax);
        }

        public Options withQueueNumMax(int n) {
            return new Options(pollTime, quietPeriod, n);
        }
    }

    private final String name;
    private final GuestMemory mem;
    private final Doorbell doorbell;
    private final Options options;
    private final long pollNanos;
    private final long quietNanos;
    private final List<DeviceSlot> slots = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean irqPending = new AtomicBoolean();
    private volatile boolean inPass;
    private volatile boolean closed;
    private volatile Throwable failure;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The thread that runs the loop now; a rescue replaces it (see {@link #rescue}). */
    private volatile Thread thread;

    private final java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long lastKick;

    private PoolController(
            String name, GuestMemory mem, PoolLayout layout, List<VirtioDevice> devices, Doorbell doorbell, Options o) {
        this.name = name;
        this.mem = mem;
        this.doorbell = doorbell;
        this.options = o;
        this.pollNanos = o.pollTime().toNanos();
        this.quietNanos = o.quietPeriod().toNanos();
        if (devices.size() != layout.devices().size()) {
            throw new IllegalArgumentException(devices.size() + " devices for a layout of "
                    + layout.devices().size() + " (expected: equal)");
        }
        for (int i = 0; i < devices.size(); i++) {
            VirtioDevice d = devices.get(i);
            if (d.deviceId() != layout.device(i).spec().deviceId()) {
                throw new IllegalArgumentException("device " + i + " (" + d.name() + ") has ID " + d.deviceId()
                        + " but the layout places ID " + layout.device(i).spec().deviceId());
            }
            int max = Math.min(o.queueNumMax(), Integer.highestOneBit(Math.max(1, d.queueNumMax())));
            slots.add(new DeviceSlot(this, d, layout.device(i), max));
        }
        this.thread = newThread();
    }

    private Thread newThread() {
        return Thread.ofPlatform()
                .name("hvl9p-pool-" + name + (threads.get() == 0 ? "" : "-" + threads.get()))
                .daemon()
                .unstarted(this::run);
    }

    /**
     * Hands the controller role to a new thread, because the current one is stuck in a device's
     * work (an inline 9P request on a slow file system). The old thread finishes that work and then
     * leaves through {@link HandedOver}, touching nothing else. Callable from any thread.
     */
    void rescue() {
        synchronized (threads) {
            if (closed) {
                return;
            }
            threads.incrementAndGet();
            Thread t = newThread();
            thread = t;
            t.start();
        }
    }

    /**
     * Thrown by a device on the controller thread after it lost the controller role to {@link
     * #rescue}: it unwinds the old thread out of the loop without touching any state.
     */
    public static final class HandedOver extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandedOver() {
            super("controller role handed over", null, false, false);
        }
    }

    /**
     * Pre-fills every register block and starts serving. The layout's FDT, if any, is written at
     * offset 0 before the register blocks, so a front-end that finds it finds devices ready.
     *
     * @param name the pool's name, for logs and thread names
     * @param mem the pool as the front-end sees it
     * @param layout where the devices are
     * @param devices one per placement of {@code layout}, in order
     */
    public static PoolController start(
            String name,
            GuestMemory mem,
            PoolLayout layout,
            List<VirtioDevice> devices,
            Doorbell doorbell,
            Options options) {
        if (mem.physBase() != layout.physBase() || mem.size() < layout.size()) {
            throw new IllegalArgumentException(mem + " does not hold the layout's pool [0x"
                    + Long.toHexString(layout.physBase()) + ", +0x" + Long.toHexString(layout.size()) + ")");
        }
        PoolController c = new PoolController(name, mem, layout, List.copyOf(devices), doorbell, options);
        layout.fdt().ifPresent(fdt -> mem.copyIn(layout.physBase(), fdt, 0, fdt.length));
        try {
            doorbell.drain();
        } catch (IOException e) {
            throw new IllegalStateException(name + ": cannot drain " + doorbell.describe() + ": " + e.getMessage(), e);
        }
        for (DeviceSlot s : c.slots) {
            s.prefill();
        }
        c.lastKick = System.nanoTime();
        c.thread.start();
        return c;
    }

    String name() {
        return name;
    }

    GuestMemory memory() {
        return mem;
    }

    long quietNanos() {
        return quietNanos;
    }

    public Options options() {
        return options;
    }

    /** Runs {@code task} on the controller thread soon. */
    void post(Runnable task) {
        tasks.add(task);
        doorbell.wakeup();
    }

    /** An interrupt for a completion: coalesced at the end of the current pass, or sent now. */
    void requestInterrupt() {
        irqPending.set(true);
        if (!inPass) {
            flushInterrupt();
        }
    }

    /** One interrupt now (QueuePFN ACK, DEVICE_NEEDS_RESET), not merged with others. */
    void interruptNow() {
        try {
            doorbell.interrupt();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: interrupt failed: {1}", name, e.getMessage());
        }
    }

    private void flushInterrupt() {
        if (irqPending.getAndSet(false)) {
            interruptNow();
        }
    }

    private void run() {
        boolean last = true; // the thread that leaves because the pool closed cleans up
        try {
            loop();
            last = thread == Thread.currentThread();
        } catch (HandedOver handedOver) {
            last = false; // a new thread carries on; this one only finished a stuck request
        } catch (Throwable t) {
            failure = t;
            if (!closed) {
                LOG.log(Level.ERROR, name + ": pool controller stopped", t);
            }
        } finally {
            if (last) {
                for (DeviceSlot s : slots) {
                    try {
                        s.close();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, name + ": closing " + s.name(), e);
                    }
                }
                stopped.countDown();
            }
        }
    }

    private void loop() throws IOException {
        Thread self = Thread.currentThread();
        while (!closed && thread == self) {
            long timeout = waitTimeout(System.nanoTime());
            inPass = false;
            flushInterrupt();
            boolean kicked = doorbell.awaitKick(timeout);
            inPass = true;
            long now = System.nanoTime();
            if (kicked) {
                lastKick = now;
            }
            if (closed) {
                break;
            }
            if (pass(now, lastKick) && pollNanos > 0) {
                poll();
            }
        }
    }

    /** Keeps passing while there is work and for {@code pollTime} after the last of it (4.8). */
    private void poll() {
        for (DeviceSlot s : slots) {
            s.suppressKicks(true);
        }
        long idleSince = System.nanoTime();
        while (!closed && thread == Thread.currentThread() && System.nanoTime() - idleSince < pollNanos) {
            flushInterrupt();
            long now = System.nanoTime();
            // Kicks are not consumed while polling, so lastKick says nothing about how quiet the
            // front-end is: it counts as active (else the quiet-period rule of 3a.5 fires while
            // the front-end is still writing its registers, and acknowledges a stale QueuePFN).
            if (pass(now, now)) {
                idleSince = System.nanoTime();
            } else {
                Thread.onSpinWait();
            }
        }
        for (DeviceSlot s : slots) {
            s.suppressKicks(false);
        }
        // A driver that saw NO_NOTIFY may have added a buffer without kicking just before it was
        // cleared: one more look closes that window.
        long now = System.nanoTime();
        pass(now, now);
    }

    private boolean pass(long now, long kick) {
        boolean work = false;
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
            work = true;
        }
        for (DeviceSlot s : slots) {
            work |= s.evaluate(now, kick);
        }
        return work;
    }

    private long waitTimeout(long now) {
        long deadline = Long.MAX_VALUE;
        for (DeviceSlot s : slots) {
            deadline = Math.min(deadline, s.deadline(lastKick));
        }
        long interval = doorbell.pollIntervalNanos();
        long timeout = deadline == Long.MAX_VALUE ? -1 : Math.max(0, deadline - now);
        if (interval > 0) {
            timeout = timeout < 0 ? interval : Math.min(timeout, interval);
        }
        return timeout;
    }

    /**
     * Resets every device of the pool, as before a runtime is (re)started (hvl-transport.md 3b.7):
     * queues forgotten, registers pre-filled again, stale doorbell bytes dropped. Returns once done.
     */
    public void resetDevices() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        post(() -> {
            try {
                doorbell.drain();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "{0}: drain failed: {1}", name, e.getMessage());
            }
            for (DeviceSlot s : slots) {
                s.hardReset();
            }
            done.countDown();
        });
        if (!done.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": reset did not complete in 10 s");
        }
    }

    /** The devices as the back-end sees them now (read without locking: for display and tests). */
    public List<DeviceState> devices() {
        List<DeviceState> out = new ArrayList<>(slots.size());
        for (DeviceSlot s : slots) {
            out.add(s.snapshot());
        }
        return out;
    }

    /** The error that stopped the controller thread, if one did. */
    public Throwable failure() {
        return failure;
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** How many times the controller role was handed to a new thread (stuck inline work). */
    public int rescues() {
        return threads.get();
    }

    public String describe() {
        return name + " (" + mem + ", " + doorbell.describe() + ")";
    }

    /** Stops the thread, stops every device and closes the doorbell. The pool itself stays mapped. */
    @Override
    public void close() {
        synchronized (threads) {
            closed = true;
        }
        doorbell.wakeup();
        try {
            if (Thread.currentThread() != thread && !stopped.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "{0}: controller did not stop in 10 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        doorbell.close();
    }
}

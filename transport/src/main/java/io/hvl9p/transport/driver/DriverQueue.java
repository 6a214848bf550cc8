package io.hvl9p.transport.driver;

import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.mmio.Regs;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The driver half of one legacy split virtqueue in guest memory (virtio 1.2 section 2.7; legacy
 * layout with QueueAlign 4096): a private free-descriptor list, the available ring it publishes
 * and the used ring it reads.
 *
 * <p><b>Submitting.</b> {@link #submit} writes the chain (readable descriptors, then writable ones,
 * linked with NEXT, writable ones flagged WRITE), puts the head in the available ring, publishes
 * the index with release semantics and notifies the device (QueueNotify = queue index, then a
 * kick) unless the device set VRING_USED_F_NO_NOTIFY and the options honour it. When fewer
 * descriptors are free than the chain needs, {@code submit} <em>blocks</em> until completions free
 * enough (or the queue fails). Segment addresses are not checked: a test may hand the device
 * addresses outside the pool on purpose.
 *
 * <p><b>Completing.</b> Used entries are collected by the interrupt handler, and by waiters while
 * they spin: the used index is read with acquire and every entry is checked (the index may not run
 * more than the queue size ahead, the id must be an outstanding head, the length at most the
 * chain's writable bytes); a violation breaks the queue with a {@link DeviceException} for every
 * current and later caller. Completions go to the {@link #call} waiting for them (matched by head,
 * so concurrent calls may complete in any order), else to the {@link #onUsed} callback, else to the
 * queue read by {@link #take}.
 *
 * <p>Thread-safe: one lock guards the ring state; the callback runs under it on the collecting
 * thread and must not block.
 */
public final class DriverQueue {
    private static final int F_NEXT = 1;
    private static final int F_WRITE = 2;

    private final DriverDevice device;
    private final int index;
    private final int size;
    private final Buffer ring;
    private final GuestMemory mem;
    private final DeviceMemory memory;
    private final Registers regs;
    private final DriverDoorbell doorbell;
    private final FrontEnd.Options options;
    private final long desc;
    private final long avail;
    private final long used;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final int[] link; // free list, or the chain of an outstanding head
    private final int[] chainLen;
    private final long[] capacity;
    private final Object[] tokens;
    private final boolean[] outstanding;
    private final ArrayDeque<Used> done = new ArrayDeque<>();
    private int freeHead;
    private int numFree;
    private int availIdx;
    private volatile int lastUsed;
    private int spinners;
    private long notifications;
    private long suppressedNotifications;
    private Consumer<Used> callback;
    private DeviceException broken;
    private boolean released;

    DriverQueue(
            DriverDevice device,
            int index,
            int size,
            Buffer ring,
            GuestMemory mem,
            DeviceMemory memory,
            Registers regs,
            DriverDoorbell doorbell,
            FrontEnd.Options options) {
        this.device = device;
        this.index = index;
        this.size = size;
        this.ring = ring;
        this.mem = mem;
        this.memory = memory;
        this.regs = regs;
        this.doorbell = doorbell;
        this.options = options;
        this.desc = ring.pa();
        this.avail = desc + 16L * size;
        this.used = (avail + 6L + 2L * size + Regs.PAGE_SIZE - 1) & -(long) Regs.PAGE_SIZE;
        this.link = new int[size];
        this.chainLen = new int[size];
        this.capacity = new long[size];
        this.tokens = new Object[size];
        this.outstanding = new boolean[size];
        for (int i = 0; i < size; i++) {
            link[i] = i + 1;
        }
        this.numFree = size;
    }

    /** Same as {@link #submit(List, List, Object, long)} without a time limit. */
    public int submit(List<Segment> readable, List<Segment> writable, Object token) throws IOException {
        return submit(readable, writable, token, -1);
    }

    /**
     * Makes one chain available and notifies the device.
     *
     * @param token returned with the completion ({@link Used#token()}); may be null
     * @param timeoutNanos how long to wait for free descriptors; {@code < 0} without limit
     * @return the chain's head descriptor index
     * @throws IllegalArgumentException if the chain is empty or longer than the queue
     * @throws DeviceTimeoutException if descriptors did not become free in time
     * @throws DeviceException if the queue is broken, reset or closed
     */
    public int submit(List<Segment> readable, List<Segment> writable, Object token, long timeoutNanos)
            throws IOException {
        List<Segment> r = List.copyOf(readable);
        List<Segment> w = List.copyOf(writable);
        int n = r.size() + w.size();
        if (n == 0 || n > size) {
            throw new IllegalArgumentException(
                    "chain of " + n + " descriptors (expected: 1.." + size + ", the queue size)");
        }
        long deadline = System.nanoTime() + timeoutNanos;
        int head;
        lock.lock();
        try {
            while (numFree < n) {
                checkUsable();
                long left = deadline - System.nanoTime();
                if (timeoutNanos >= 0 && left <= 0) {
                    throw new DeviceTimeoutException(
                            this + ": " + n + " descriptors needed, " + numFree + " free after the timeout");
                }
                collectLocked();
                if (numFree >= n) {
                    break;
                }
                awaitChange(timeoutNanos < 0 ? Long.MAX_VALUE : left);
            }
            checkUsable();
            head = freeHead;
            int d = head;
            long writableBytes = 0;
            for (int i = 0; i < n; i++) {
                boolean last = i == n - 1;
                Segment s = i < r.size() ? r.get(i) : w.get(i - r.size());
                boolean isWritable = i >= r.size();
                int next = link[d];
                long pa = desc + 16L * d;
                mem.writeU64(pa, s.pa());
                mem.writeU32(pa + 8, s.len());
                mem.writeU16(pa + 12, (last ? 0 : F_NEXT) | (isWritable ? F_WRITE : 0));
                mem.writeU16(pa + 14, last ? 0 : next);
                if (isWritable) {
                    writableBytes += s.len();
                }
                if (last) {
                    freeHead = next;
                } else {
                    d = next;
                }
            }
            numFree -= n;
            chainLen[head] = n;
            capacity[head] = writableBytes;
            tokens[head] = token;
            outstanding[head] = true;
            mem.writeU16(avail + 4 + 2L * (availIdx & (size - 1)), head);
            availIdx = (availIdx + 1) & 0xFFFF;
            mem.writeU16Release(avail + 2, availIdx);
        } finally {
            lock.unlock();
        }
        notifyDevice();
        return head;
    }

    private void notifyDevice() throws IOException {
        VarHandle.fullFence(); // the avail index store before the used flags load (virtio 1.2 2.7.13)
        if (options.honourNoNotify() && (mem.readU16Acquire(used) & Regs.VRING_USED_F_NO_NOTIFY) != 0) {
            lock.lock();
            try {
                suppressedNotifications++;
            } finally {
                lock.unlock();
            }
            return;
        }
        lock.lock();
        try {
            notifications++;
        } finally {
            lock.unlock();
        }
        regs.writeReg(Regs.QUEUE_NOTIFY, index);
        regs.kick();
    }

    /**
     * The next completion not claimed by a {@link #call}: spins on the used index for the options'
     * spin time, then sleeps until the interrupt handler collects.
     *
     * @param timeoutNanos {@code < 0} waits without limit
     * @return the completion, or null on timeout
     */
    public Used take(long timeoutNanos) throws IOException {
        if (!await(() -> !done.isEmpty(), timeoutNanos)) {
            return null;
        }
        lock.lock();
        try {
            return done.poll();
        } finally {
            lock.unlock();
        }
    }

    /** The next completion if one is there (collecting first), else null; never waits. */
    public Used tryTake() throws DeviceException {
        lock.lock();
        try {
            collectLocked();
            return done.poll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends completions to {@code callback} instead of {@link #take}; null restores {@link #take}.
     * Completions already queued are delivered at once.
     */
    public void onUsed(Consumer<Used> callback) {
        lock.lock();
        try {
            this.callback = callback;
            if (callback != null) {
                while (!done.isEmpty()) {
                    callback.accept(done.poll());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One request/response exchange through device memory, as a 9p front-end does it (section
     * 3a.8): a T-buffer and an R-buffer are allocated in the device memory, the request is copied
     * in, one chain is submitted (readable request, then writable reply, split per the options), and
     * the first {@code len} bytes of the reply are copied out once the device completes it. Both
     * buffers are freed afterwards; after a timeout they are freed when the device completes the
     * chain late, or when the queue is reset.
     *
     * @throws DeviceTimeoutException if the chain was not completed within {@code timeoutNanos}
     * @throws OutOfDeviceMemoryException if the buffers do not fit
     */
    public byte[] call(byte[] request, int replyCapacity, long timeoutNanos) throws IOException {
        Objects.requireNonNull(request, "request");
        if (replyCapacity < 0 || (request.length == 0 && replyCapacity == 0)) {
            throw new IllegalArgumentException("request of " + request.length + " bytes, reply capacity "
                    + replyCapacity + " (expected: something to send or receive)");
        }
        Buffer t = request.length > 0 ? memory.alloc(request.length) : null;
        Buffer r;
        try {
            r = replyCapacity > 0 ? memory.alloc(replyCapacity) : null;
        } catch (OutOfDeviceMemoryException e) {
            freeAll(t, null);
            throw e;
        }
        Pending p = new Pending(t, r);
        long start = System.nanoTime();
        try {
            if (t != null) {
                mem.copyIn(t.pa(), request, 0, request.length);
            }
            submit(split(t, options.oneByteDescriptors(), 0), replySegments(r), p, timeoutNanos);
        } catch (IOException | RuntimeException | Error e) {
            freeAll(t, r);
            throw e;
        }
        boolean completed = false;
        try {
            long left = timeoutNanos < 0 ? -1 : Math.max(0, timeoutNanos - (System.nanoTime() - start));
            completed = await(() -> p.used != null, left);
            if (!completed) {
                throw new DeviceTimeoutException(
                        this + ": call not completed within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
            int len = p.used.len();
            byte[] reply = new byte[len];
            if (len > 0) {
                mem.copyOut(r.pa(), reply, 0, len);
            }
            return reply;
        } finally {
            lock.lock();
            boolean free;
            try {
                // A chain still in the device's hands keeps its buffers until it completes or the queue goes.
                free = p.used != null || p.freed;
                if (!free) {
                    p.abandoned = true;
                }
            } finally {
                lock.unlock();
            }
            if (free && !p.freedByRelease) {
                freeAll(t, r);
            }
        }
    }

    private List<Segment> replySegments(Buffer r) {
        if (r == null) {
            return List.of();
        }
        if (options.oneByteDescriptors()) {
            return split(r, true, 0);
        }
        return split(r, false, options.replyHeaderLen());
    }

    private static List<Segment> split(Buffer b, boolean oneByte, int headerLen) {
        if (b == null) {
            return List.of();
        }
        List<Segment> out = new ArrayList<>();
        if (oneByte) {
            for (int i = 0; i < b.len(); i++) {
                out.add(new Segment(b.pa() + i, 1));
            }
        } else if (headerLen > 0 && headerLen < b.len()) {
            out.add(new Segment(b.pa(), headerLen));
            out.add(new Segment(b.pa() + headerLen, b.len() - headerLen));
        } else {
            out.add(b.segment());
        }
        return out;
    }

    private void freeAll(Buffer t, Buffer r) {
        if (t != null) {
            memory.free(t);
        }
        if (r != null) {
            memory.free(r);
        }
    }

    /** Spins (with NO_INTERRUPT set, if so configured), then sleeps, until {@code ready} holds. */
    private boolean await(BooleanSupplier ready, long timeoutNanos) throws IOException {
        long now = System.nanoTime();
        long deadline = now + timeoutNanos;
        long spin = options.spinNanos();
        if (spin > 0 && timeoutNanos != 0) {
            long spinEnd = timeoutNanos < 0 ? now + spin : now + Math.min(spin, timeoutNanos);
            enterSpin();
            try {
                while (true) {
                    lock.lock();
                    try {
                        if (mem.readU16Acquire(used + 2) != lastUsed) {
                            collectLocked();
                        }
                        checkUsable();
                        if (ready.getAsBoolean()) {
                            return true;
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (System.nanoTime() - spinEnd >= 0) {
                        break;
                    }
                    Thread.onSpinWait();
                }
            } finally {
                exitSpin();
            }
        }
        lock.lock();
        try {
            while (true) {
                collectLocked(); // re-check after NO_INTERRUPT was cleared: no lost wake-up
                checkUsable();
                if (ready.getAsBoolean()) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (timeoutNanos >= 0 && left <= 0) {
                    return false;
                }
                long wait = timeoutNanos < 0 ? Long.MAX_VALUE : left;
                if (!doorbell.interruptsDelivered()) {
                    wait = Math.min(wait, options.pollInterval().toNanos());
                }
                awaitChange(wait);
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitChange(long nanos) throws InterruptedIOException {
        try {
            changed.awaitNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(this + ": interrupted");
        }
    }

    private void enterSpin() {
        lock.lock();
        try {
            if (spinners++ == 0 && options.noInterruptWhileSpinning()) {
                mem.writeU16Release(avail, Regs.VRING_AVAIL_F_NO_INTERRUPT);
            }
        } finally {
            lock.unlock();
        }
    }

    private void exitSpin() {
        lock.lock();
        try {
            if (--spinners == 0 && options.noInterruptWhileSpinning() && !released) {
                mem.writeU16Release(avail, 0);
                VarHandle.fullFence(); // the flags store before the used index load that follows
            }
        } finally {
            lock.unlock();
        }
    }

    /** Collects used entries (the interrupt handler's queue callback). */
    void collect() throws DeviceException {
        lock.lock();
        try {
            if (!released && broken == null) {
                collectLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    private void collectLocked() throws DeviceException {
        if (released || broken != null) {
            return;
        }
        int usedIdx = mem.readU16Acquire(used + 2);
        int last = lastUsed;
        int count = (usedIdx - last) & 0xFFFF;
        if (count == 0) {
            return;
        }
        if (count > size) {
            throw breakQueue(String.format(
                    "used index jumped from %d to %d (%d entries, expected: <= queue size %d)",
                    last, usedIdx, count, size));
        }
        for (int i = 0; i < count; i++) {
            long elem = used + 4 + 8L * (last & (size - 1));
            int id = mem.readU32(elem);
            int len = mem.readU32(elem + 4);
            if (id < 0 || id >= size || !outstanding[id]) {
                throw breakQueue(String.format(
                        "used entry %d has id %s, not an outstanding head", last, Integer.toUnsignedString(id)));
            }
            if (Integer.toUnsignedLong(len) > capacity[id]) {
                throw breakQueue(String.format(
                        "used entry %d (head %d) has len %s, more than the chain's %d writable bytes",
                        last, id, Integer.toUnsignedString(len), capacity[id]));
            }
            Object token = tokens[id];
            freeChain(id);
            last = (last + 1) & 0xFFFF;
            lastUsed = last;
            deliver(new Used(id, token, len));
        }
        changed.signalAll();
    }

    private void freeChain(int head) {
        outstanding[head] = false;
        tokens[head] = null;
        int n = chainLen[head];
        int d = head;
        for (int i = 1; i < n; i++) {
            d = link[d];
        }
        link[d] = freeHead;
        freeHead = head;
        numFree += n;
    }

    private void deliver(Used u) {
        if (u.token() instanceof Pending p) {
            if (p.abandoned) {
                freeAll(p.t, p.r);
            } else {
                p.used = u;
            }
        } else if (callback != null) {
            callback.accept(u);
        } else {
            done.add(u);
        }
    }

    private DeviceException breakQueue(String why) {
        broken = new DeviceException(this + " is broken: " + why);
        changed.signalAll();
        return broken;
    }

    private void checkUsable() throws DeviceException {
        if (broken != null) {
            throw new DeviceException(broken.getMessage(), broken);
        }
    }

    /** Fails current and later callers with {@code why} (front-end closed). */
    void fail(DeviceException why) {
        lock.lock();
        try {
            if (broken == null) {
                broken = why;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The device forgot the queue (reset or re-initialisation): fail callers, free ring and call buffers. */
    void release(DeviceException why) {
        lock.lock();
        try {
            if (released) {
                return;
            }
            released = true;
            if (broken == null) {
                broken = why;
            }
            for (int i = 0; i < size; i++) {
                if (outstanding[i] && tokens[i] instanceof Pending p) {
                    p.freed = true;
                    p.freedByRelease = true;
                    freeAll(p.t, p.r);
                }
            }
            memory.free(ring);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The queue's index (QueueSel value). */
    public int index() {
        return index;
    }

    /** The queue size (QueueNum). */
    public int size() {
        return size;
    }

    /** Physical address of the ring (descriptor table), QueuePFN * 4096. */
    public long ringPa() {
        return desc;
    }

    public long availRingPa() {
        return avail;
    }

    public long usedRingPa() {
        return used;
    }

    /** Descriptors not in any outstanding chain. */
    public int freeDescriptors() {
        lock.lock();
        try {
            return numFree;
        } finally {
            lock.unlock();
        }
    }

    /** Notifications sent (QueueNotify + kick) after submits. */
    public long notifications() {
        lock.lock();
        try {
            return notifications;
        } finally {
            lock.unlock();
        }
    }

    /** Notifications skipped because the device set VRING_USED_F_NO_NOTIFY. */
    public long suppressedNotifications() {
        lock.lock();
        try {
            return suppressedNotifications;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return device + " queue " + index;
    }

    /** A {@link #call} in flight: its buffers and, once collected, its completion. */
    private static final class Pending {
        final Buffer t;
        final Buffer r;
        Used used;
        boolean abandoned;
        boolean freed;
        boolean freedByRelease;

        Pending(Buffer t, Buffer r) {
            this.t = t;
            this.r = r;
        }
    }
}

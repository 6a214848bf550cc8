package io.hvl9p.transport.mmio;

import io.hvl9p.transport.layout.DevicePlacement;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.virtq.QueueException;
import io.hvl9p.transport.virtq.SplitQueue;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The back-end's side of one register block: the private copy of the shared registers and the
 * state machine of hvl-transport.md sections 3b and 4, evaluated on every kick (kicks coalesce and
 * carry no meaning, so everything is state-based). Only the pool's controller thread calls the
 * package-private evaluation methods; completions from other threads reach it through {@link
 * #published}, {@link #requestInterrupt} and {@link #failLater}.
 */
final class DeviceSlot {
    private static final System.Logger LOG = System.getLogger(DeviceSlot.class.getName());
    /** "hv9p" in little-endian; any value works, front-ends do not check it. */
    static final int VENDOR_ID = 0x70397668;

    private final PoolController pool;
    private final VirtioDevice device;
    private final DevicePlacement placement;
    private final GuestMemory mem;
    private final long hdr;
    private final int queueNumMax;
    private final String name;

    // The private copy (written by the controller thread only; volatile where snapshot() reads it
    // from other threads, which poll it in loops).
    private volatile int status;
    private int lastAckPfn;
    /** A re-initialisation was detected and no queue was acknowledged since (the ABA rule of 3a.5). */
    private boolean reinit;

    private volatile boolean broken;
    private volatile String brokenReason;
    private VirtQueue[] queues;
    private volatile DeviceContext live;
    private volatile int generation;

    // Interrupt state, shared with completing threads.
    private final Object irqLock = new Object();
    private boolean publishedSinceAck;

    // Counters for snapshots.
    private volatile long acks;
    private volatile long resets;
    private volatile long reinits;
    private volatile long needsResets;

    DeviceSlot(PoolController pool, VirtioDevice device, DevicePlacement placement, int queueNumMax) {
        this.pool = pool;
        this.device = device;
        this.placement = placement;
        this.mem = pool.memory();
        this.hdr = placement.headerPa();
        this.queueNumMax = queueNumMax;
        this.name = pool.name() + "/" + device.name();
        this.queues = new VirtQueue[device.queueCount()];
    }

    GuestMemory memory() {
        return mem;
    }

    PoolController pool() {
        return pool;
    }

    String name() {
        return name;
    }

    VirtioDevice device() {
        return device;
    }

    private int reg(int off) {
        return mem.readU32Acquire(hdr + off);
    }

    private void put(int off, int value) {
        mem.writeU32Release(hdr + off, value);
    }

    /**
     * Writes the pre-filled registers (checklist 3b.1): everything the front-end reads before it
     * writes, the config space at +0x100, and the magic value last, so a front-end that sees the
     * magic sees the rest.
     */
    void prefill() {
        put(Regs.MAGIC_VALUE, 0);
        for (int off = Regs.VERSION; off < Regs.BLOCK_SIZE; off += 4) {
            put(off, 0);
        }
        put(Regs.GUEST_PAGE_SIZE, Regs.PAGE_SIZE);
        put(Regs.QUEUE_ALIGN, Regs.PAGE_SIZE);
        writeDeviceRegisters();
        forgetDriver();
    }

    /**
     * The driver wrote Status = 0 (checklist 3b.3): restore what the back-end owns, in place. The
     * driver does not wait for the reset to be seen and may already be writing its next
     * initialisation, so nothing it writes is touched: zeroing the block first lost its Status,
     * QueueSel, QueueNum and QueuePFN writes and showed it a magic value of 0. QueuePFN keeps
     * {@code stalePfn}, the value read before Status was seen at 0 (so it predates the next
     * initialisation), and it is treated like the write-back after a re-initialisation (3a.5):
     * ignored, unless the front-end then writes it again and waits quietly for the ACK.
     */
    private void restoreAfterDriverReset(int stalePfn) {
        mem.writeU32Release(hdr + Regs.INTERRUPT_STATUS, 0);
        writeDeviceRegisters();
        forgetDriver();
        if (stalePfn != 0 && stalePfn != Regs.PFN_ACK) {
            lastAckPfn = stalePfn;
            reinit = true;
        }
    }

    /** The registers only the back-end writes, config space included, magic value last. */
    private void writeDeviceRegisters() {
        put(Regs.VERSION, Regs.LEGACY_VERSION);
        put(Regs.DEVICE_ID, device.deviceId());
        put(Regs.VENDOR_ID, VENDOR_ID);
        put(Regs.HOST_FEATURES, device.hostFeatures());
        put(Regs.QUEUE_NUM_MAX, queueNumMax);
        long shmBase = placement.memoryPa();
        long shmLen = placement.memorySize();
        put(Regs.SHM_LEN_LOW, (int) shmLen);
        put(Regs.SHM_LEN_HIGH, (int) (shmLen >>> 32));
        put(Regs.SHM_BASE_LOW, (int) shmBase);
        put(Regs.SHM_BASE_HIGH, (int) (shmBase >>> 32));
        byte[] config = device.config();
        if (config.length > Regs.BLOCK_SIZE - Regs.CONFIG) {
            throw new IllegalStateException(name + ": config space of " + config.length + " bytes (expected: <= 256)");
        }
        mem.copyIn(hdr + Regs.CONFIG, config, 0, config.length);
        put(Regs.MAGIC_VALUE, Regs.MAGIC);
    }

    private void forgetDriver() {
        status = 0;
        lastAckPfn = 0;
        reinit = false;
        broken = false;
        brokenReason = null;
        synchronized (irqLock) {
            publishedSinceAck = false;
        }
    }

    /**
     * One evaluation pass (checklist 3b.2): Status, InterruptACK, queue configuration (before
     * DRIVER_OK), rings (after). GuestFeatures is read when the device starts.
     *
     * @return whether anything happened (for the controller's adaptive polling)
     */
    boolean evaluate(long now, long lastKick) {
        boolean work = evaluateStatus();
        work |= evaluateAck();
        if (broken) {
            return work;
        }
        if (live == null) {
            int s = status;
            if ((s & Regs.S_DRIVER) != 0 && (s & Regs.S_DRIVER_OK) == 0) {
                work |= evaluateQueueConfig(now, lastKick);
            }
            if ((s & Regs.S_DRIVER_OK) != 0 && (s & Regs.S_FAILED) == 0) {
                start();
                work = true;
            }
        }
        if (live != null) {
            work |= serviceRings();
        }
        return work;
    }

    private boolean evaluateStatus() {
        int pfnBefore = reg(Regs.QUEUE_PFN); // before Status: see restoreAfterDriverReset
        int s = reg(Regs.STATUS);
        if (s == status) {
            return false;
        }
        int prev = status;
        status = s;
        if (s == 0) {
            LOG.log(Level.DEBUG, "{0}: reset by the driver", name);
            resets++;
            teardown();
            restoreAfterDriverReset(pfnBefore);
            return true;
        }
        int was = prev & ~Regs.S_NEEDS_RESET;
        int now = s & ~Regs.S_NEEDS_RESET;
        boolean lostDriverOk = (was & Regs.S_DRIVER_OK) != 0 && (now & Regs.S_DRIVER_OK) == 0;
        // DEVICE_NEEDS_RESET is the back-end's bit: if it is gone, the driver wrote Status. Kicks
        // coalesce, so a reset and a new ACKNOWLEDGE, DRIVER (0x42 -> 0 -> 1 -> 2) may show up only
        // as 0x42 -> 0x2, which is neither a decrease nor a lost DRIVER_OK.
        boolean rewritten = (prev & Regs.S_NEEDS_RESET) != 0 && (s & Regs.S_NEEDS_RESET) == 0;
        if (now < was || lostDriverOk || rewritten || (now & Regs.S_FAILED) != 0) {
            // 3a.2: a rebooted front-end shows up as Status going down, never as 0. The driver is
            // already writing the registers again: forget the queues, touch nothing.
            LOG.log(Level.DEBUG, "{0}: status 0x{1} -> 0x{2}: re-initialisation", name, hex(prev), hex(s));
            reinits++;
            teardown();
            broken = false;
            brokenReason = null;
            reinit = true;
            // What QueuePFN held before the driver started over is stale (normally the last ACK's
            // write-back; after DEVICE_NEEDS_RESET perhaps the very value that broke the device):
            // not a request, unless written again and waited for (3a.5).
            if (pfnBefore != 0 && pfnBefore != Regs.PFN_ACK) {
                lastAckPfn = pfnBefore;
            }
        }
        return true;
    }

    private boolean evaluateAck() {
        int ack = reg(Regs.INTERRUPT_ACK);
        if (ack == 0) {
            return false;
        }
        // 3a.6: the front-end writes the value it read each time, so reset it to 0 once consumed
        // (CAS: an ACK written meanwhile is not lost), and keep bit 0 if something was published
        // since the previous ACK was processed: that publish has its own interrupt on the way.
        mem.casU32(hdr + Regs.INTERRUPT_ACK, ack, 0);
        synchronized (irqLock) {
            int clear = ack & (Regs.INT_VRING | Regs.INT_CONFIG);
            if (publishedSinceAck) {
                clear &= ~Regs.INT_VRING;
            }
            if (clear != 0) {
                mem.andU32(hdr + Regs.INTERRUPT_STATUS, ~clear);
            }
            publishedSinceAck = false;
        }
        return true;
    }

    private boolean evaluateQueueConfig(long now, long lastKick) {
        int pfn = reg(Regs.QUEUE_PFN);
        if (pfn == 0 || pfn == Regs.PFN_ACK) {
            return false;
        }
        if (pfn == lastAckPfn) {
            // Either the write-back of the last ACK or (after a re-init) the same PFN again: the
            // front-end is quiet only while it waits for an ACK (3a.5).
            if (!reinit || now - lastKick < pool.quietNanos()) {
                return false;
            }
            LOG.log(Level.DEBUG, "{0}: unchanged QueuePFN after re-initialisation and a quiet period: ACK", name);
        }
        configureQueue(pfn);
        return true;
    }

    /** When the controller must look again without a kick (the quiet-period rule), or MAX_VALUE. */
    long deadline(long lastKick) {
        if (reinit && live == null && !broken && (status & Regs.S_DRIVER) != 0 && (status & Regs.S_DRIVER_OK) == 0) {
            int pfn = reg(Regs.QUEUE_PFN);
            if (pfn != 0 && pfn == lastAckPfn) {
                return lastKick + pool.quietNanos();
            }
        }
        return Long.MAX_VALUE;
    }

    private void configureQueue(int pfn) {
        int sel = reg(Regs.QUEUE_SEL);
        if (sel < 0 || sel >= queues.length) {
            needsReset("QueueSel " + sel + " (expected: < " + queues.length + ", the device's queue count)");
            return;
        }
        int num = reg(Regs.QUEUE_NUM);
        if (num <= 0 || Integer.bitCount(num) != 1 || num > queueNumMax) {
            needsReset("queue " + sel + ": QueueNum " + Integer.toUnsignedString(num)
                    + " (expected: a power of two <= QueueNumMax " + queueNumMax + ")");
            return;
        }
        int align = reg(Regs.QUEUE_ALIGN);
        int page = reg(Regs.GUEST_PAGE_SIZE);
        if (page != Regs.PAGE_SIZE) {
            needsReset("GuestPageSize " + Integer.toUnsignedString(page) + " (expected: 4096)");
            return;
        }
        if (align < 16 || align > 65536 || Integer.bitCount(align) != 1) {
            needsReset("queue " + sel + ": QueueAlign " + Integer.toUnsignedString(align)
                    + " (expected: a power of two, 4096)");
            return;
        }
        long ringPa = Integer.toUnsignedLong(pfn) * page;
        SplitQueue ring;
        try {
            ring = SplitQueue.legacy(num, ringPa, align);
            ring.validate(mem);
        } catch (QueueException e) {
            needsReset("queue " + sel + ": QueuePFN 0x" + hex(pfn) + ": " + e.getMessage());
            return;
        }
        queues[sel] = new VirtQueue(this, sel, ring);
        lastAckPfn = pfn;
        reinit = false;
        acks++;
        // 3a.4: the ACK goes into QueuePFN before the interrupt, with no InterruptStatus bit, and
        // exactly one interrupt per ACK.
        put(Regs.QUEUE_PFN, Regs.PFN_ACK);
        pool.interruptNow();
    }

    private void start() {
        List<VirtQueue> configured = new ArrayList<>(queues.length);
        for (int i = 0; i < queues.length; i++) {
            if (queues[i] == null) {
                needsReset("DRIVER_OK with queue " + i + " not set up (expected: all " + queues.length + " queues)");
                return;
            }
            configured.add(queues[i]);
        }
        generation++;
        DeviceContext ctx = new DeviceContext(this, configured, reg(Regs.GUEST_FEATURES), generation);
        for (VirtQueue q : configured) {
            q.bind(ctx);
        }
        live = ctx;
        LOG.log(Level.DEBUG, "{0}: DRIVER_OK, generation {1}", name, generation);
        try {
            device.start(ctx);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, name + ": device failed to start", e);
            needsReset("device failed to start: " + e);
        }
    }

    private boolean serviceRings() {
        DeviceContext ctx = live;
        boolean work = false;
        for (int i = 0; i < queues.length && live == ctx; i++) {
            VirtQueue q = queues[i];
            if (q.hasAvailable()) {
                // Work is what the device took: entries it leaves in the ring (receive buffers
                // with no input yet) must not keep the controller polling.
                int before = q.ring().nextAvail();
                try {
                    device.available(ctx, i);
                    work |= q.ring().nextAvail() != before;
                } catch (PoolController.HandedOver handedOver) {
                    throw handedOver; // another thread runs the pool now: touch nothing
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, name + ": device failed on queue " + i, e);
                    needsReset("device failed on queue " + i + ": " + e);
                }
            }
        }
        return work;
    }

    /** Polling: the driver may skip kicks while the controller spins on the rings (4.8). */
    void suppressKicks(boolean suppress) {
        if (live != null) {
            for (VirtQueue q : queues) {
                q.suppressKicks(suppress);
            }
        }
    }

    /** Forgets the queues of the current generation; the device drops its work on them. */
    private void teardown() {
        DeviceContext ctx = live;
        live = null;
        for (VirtQueue q : queues) {
            if (q != null) {
                q.retire();
            }
        }
        Arrays.fill(queues, null);
        if (ctx != null) {
            try {
                device.stop(ctx);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, name + ": device failed to stop", e);
            }
        }
    }

    /**
     * The driver broke the device (4.4): tear the generation down, set DEVICE_NEEDS_RESET in
     * Status and signal a config change. The device stays broken until the driver resets or
     * re-initialises it; nothing else of the pool is affected.
     */
    void needsReset(String reason) {
        LOG.log(Level.WARNING, "{0}: DEVICE_NEEDS_RESET: {1}", name, reason);
        needsResets++;
        teardown();
        broken = true;
        brokenReason = reason;
        status = mem.orU32(hdr + Regs.STATUS, Regs.S_NEEDS_RESET) | Regs.S_NEEDS_RESET;
        mem.orU32(hdr + Regs.INTERRUPT_STATUS, Regs.INT_CONFIG);
        pool.interruptNow();
    }

    /** From any thread: the generation {@code ctx} broke; handled on the controller thread. */
    void failLater(DeviceContext ctx, String reason) {
        pool.post(() -> {
            if (ctx != null && live != ctx) {
                return;
            }
            // Tasks run before the devices are evaluated: look at Status first. A driver that reset
            // or re-initialised the device may already have reused the ring's memory (a zeroed ring
            // reads as "available index 65535 ahead") while this generation was still being
            // serviced; that ends the generation, it does not break the device.
            evaluateStatus();
            if (ctx == null || live == ctx) {
                needsReset(reason);
            }
        });
    }

    /** Called under a VirtQueue's lock after a used entry was published. */
    void published() {
        synchronized (irqLock) {
            publishedSinceAck = true;
            mem.orU32(hdr + Regs.INTERRUPT_STATUS, Regs.INT_VRING);
        }
    }

    void requestInterrupt() {
        pool.requestInterrupt();
    }

    /** Explicit reset by the controller (the runtime is about to be (re)started). */
    void hardReset() {
        teardown();
        prefill();
    }

    void close() {
        teardown();
        device.close();
    }

    DeviceState snapshot() {
        int configured = 0;
        for (VirtQueue q : queues) {
            if (q != null) {
                configured++;
            }
        }
        return new DeviceState(
                placement.index(),
                device.name(),
                device.deviceId(),
                status,
                live != null,
                broken,
                brokenReason,
                configured,
                generation,
                acks,
                resets,
                reinits,
                needsResets);
    }

    private static String hex(int v) {
        return Integer.toHexString(v);
    }
}

package io.hvl9p.transport.mmio;

import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.virtq.DescriptorChain;
import io.hvl9p.transport.virtq.QueueException;
import io.hvl9p.transport.virtq.SplitQueue;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A device's handle on one configured virtqueue of one driver generation. Thread-safe: chains may
 * be popped and completed from any thread; used-ring updates are serialised here (hvl-transport.md
 * section 4.6), so requests complete out of order. A completion sets InterruptStatus bit 0 and asks
 * the pool for an interrupt, which is coalesced with others of the same pass and skipped while the
 * driver sets VRING_AVAIL_F_NO_INTERRUPT.
 *
 * <p>A broken ring (a {@link QueueException} from the driver's data) puts the device into
 * DEVICE_NEEDS_RESET; {@link #pop} then returns empty and completions are ignored. After the
 * generation ends (reset, re-initialisation) every call is a no-op: late completions never touch
 * memory the driver may already be using for something else.
 */
public final class VirtQueue {
    private final DeviceSlot slot;
    private final int index;
    private final SplitQueue ring;
    private final GuestMemory mem;
    private DeviceContext ctx;
    private volatile boolean live = true;

    VirtQueue(DeviceSlot slot, int index, SplitQueue ring) {
        this.slot = slot;
        this.index = index;
        this.ring = ring;
        this.mem = slot.memory();
    }

    void bind(DeviceContext ctx) {
        this.ctx = ctx;
    }

    /** The queue's index (its QueueSel value). */
    public int index() {
        return index;
    }

    /** The queue size the driver chose. */
    public int size() {
        return ring.size();
    }

    /** Whether the generation this queue belongs to is still live. */
    public boolean isLive() {
        return live;
    }

    synchronized void retire() {
        live = false;
    }

    /** The next available chain, validated; empty if none, if the ring is broken or the queue retired. */
    public synchronized Optional<DescriptorChain> pop() {
        if (!live) {
            return Optional.empty();
        }
        try {
            return ring.pop(mem);
        } catch (QueueException e) {
            live = false;
            slot.failLater(ctx, "queue " + index + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether the driver made entries available that were not popped yet. */
    public synchronized boolean hasAvailable() {
        if (!live) {
            return false;
        }
        try {
            return ring.pending(mem) > 0;
        } catch (QueueException e) {
            live = false;
            slot.failLater(ctx, "queue " + index + ": " + e.getMessage());
            return false;
        }
    }

    /** Returns {@code chain} to the driver with {@code len} bytes written. */
    public void complete(DescriptorChain chain, int len) {
        boolean notify;
        synchronized (this) {
            if (!live) {
                return;
            }
            ring.addUsed(mem, chain.head(), len);
            slot.published();
            notify = (mem.readU16Acquire(ring.availRing()) & Regs.VRING_AVAIL_F_NO_INTERRUPT) == 0;
        }
        if (notify) {
            slot.requestInterrupt();
        }
    }

    /**
     * Copies {@code reply} (position to limit) over the chain's writable descriptors, then returns
     * the chain with the reply's length. A reply longer than the writable part is a device-side
     * problem the caller must avoid (it fits the reply to the chain); here it completes the chain
     * with length 0 and returns false.
     */
    public boolean complete(DescriptorChain chain, ByteBuffer... reply) {
        int len;
        synchronized (this) {
            if (!live) {
                return false;
            }
            try {
                len = chain.writeAll(mem, reply);
            } catch (QueueException e) {
                len = -1;
            }
        }
        complete(chain, Math.max(len, 0));
        return len >= 0;
    }

    /** Sets or clears VRING_USED_F_NO_NOTIFY (the device is polling: the driver may skip kicks). */
    synchronized void suppressKicks(boolean suppress) {
        if (live) {
            mem.writeU16Release(ring.usedRing(), suppress ? Regs.VRING_USED_F_NO_NOTIFY : 0);
        }
    }

    SplitQueue ring() {
        return ring;
    }

    @Override
    public String toString() {
        return "VirtQueue[" + index + ", " + ring + (live ? "" : ", retired") + "]";
    }
}

package io.hvl9p.transport.virtq;

import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.memory.GuestMemoryException;
import java.util.Optional;

/**
 * The device side of one split virtqueue (virtio 1.2 section 2.7). As in rust-vmm's
 * {@code virtio-queue}, it holds only ring state (size, ring addresses, {@code next_avail},
 * {@code next_used}); guest memory is passed into every call.
 *
 * <p>Ring indices are read with acquire and published with release ({@link
 * GuestMemory#readU16Acquire}, {@link GuestMemory#writeU16Release}), so a used element is visible
 * before the index that publishes it, and an available entry is read only after its index.
 *
 * <p>Not thread-safe: one thread pops and completes, or callers serialise (hvl-transport.md 4.6).
 * A {@link QueueException} means the driver broke the queue; the device must set
 * DEVICE_NEEDS_RESET and stop using it.
 */
public final class SplitQueue {
    /** The largest queue size of a split virtqueue (section 2.7). */
    public static final int MAX_SIZE = 32768;

    private final int size;
    private final long descTable;
    private final long availRing;
    private final long usedRing;
    private int nextAvail;
    private int nextUsed;

    private SplitQueue(int size, long descTable, long availRing, long usedRing) {
        this.size = size;
        this.descTable = descTable;
        this.availRing = availRing;
        this.usedRing = usedRing;
    }

    /**
     * A queue whose three rings are at the given guest physical addresses (virtio 1.2 section 2.7:
     * descriptor table 16-byte aligned, available ring 2-byte, used ring 4-byte).
     *
     * @throws QueueException if the size is not a power of two in [1, 32768] or a ring is misaligned
     */
    public static SplitQueue of(int size, long descTable, long availRing, long usedRing) {
        checkSize(size);
        checkAligned("descriptor table", descTable, 16);
        checkAligned("available ring", availRing, 2);
        checkAligned("used ring", usedRing, 4);
        return new SplitQueue(size, descTable, availRing, usedRing);
    }

    /**
     * A queue in the legacy layout of virtio 1.2 section 2.7 / legacy interface 4.2.4: descriptor
     * table at {@code ringPa}, available ring right after it, used ring at the next multiple of
     * {@code align} (QueueAlign, 4096 here).
     *
     * @throws QueueException if size or alignment is invalid, or {@code ringPa} is not aligned
     */
    public static SplitQueue legacy(int size, long ringPa, int align) {
        checkSize(size);
        if (align <= 0 || Integer.bitCount(align) != 1) {
            throw new QueueException("QueueAlign " + align + " (expected: a power of two)");
        }
        checkAligned("ring", ringPa, Math.max(align, 16));
        long avail = ringPa + 16L * size;
        long used = alignUp(avail + 6L + 2L * size, align);
        return new SplitQueue(size, ringPa, avail, used);
    }

    /** Bytes occupied by the legacy layout of a queue of {@code size} entries, used ring included. */
    public static long legacyBytes(int size, int align) {
        checkSize(size);
        long used = alignUp(16L * size + 6L + 2L * size, align);
        return used + 6L + 8L * size;
    }

    private static long alignUp(long v, long align) {
        return (v + align - 1) & -align;
    }

    private static void checkSize(int size) {
        if (size <= 0 || size > MAX_SIZE || Integer.bitCount(size) != 1) {
            throw new QueueException("queue size " + size + " (expected: a power of two <= " + MAX_SIZE + ")");
        }
    }

    private static void checkAligned(String what, long pa, int align) {
        if ((pa & (align - 1)) != 0) {
            throw new QueueException(
                    what + " at 0x" + Long.toHexString(pa) + " (expected: " + align + "-byte aligned)");
        }
    }

    /**
     * Checks that the three rings lie entirely inside {@code mem}.
     *
     * @throws QueueException naming the ring that does not
     */
    public void validate(GuestMemory mem) {
        inside(mem, "descriptor table", descTable, 16L * size);
        inside(mem, "available ring", availRing, 6L + 2L * size);
        inside(mem, "used ring", usedRing, 6L + 8L * size);
    }

    private static void inside(GuestMemory mem, String what, long pa, long len) {
        if (!mem.contains(pa, len)) {
            throw new QueueException(what + " [0x" + Long.toHexString(pa) + ", +" + len + ") outside " + mem);
        }
    }

    /** Entries the driver has made available and the device has not popped yet. */
    public int pending(GuestMemory mem) {
        validate(mem);
        int availIdx = mem.readU16Acquire(availRing + 2);
        int pending = (availIdx - nextAvail) & 0xFFFF;
        if (pending > size) {
            throw new QueueException("available index " + availIdx + " is " + pending + " ahead of next_avail "
                    + nextAvail + " (expected: <= queue size " + size + ")");
        }
        return pending;
    }

    /**
     * Takes the next available chain, walked and validated (see {@link DescriptorChain}).
     * {@code next_avail} advances even if the chain is invalid; the queue is broken then anyway.
     *
     * @return the chain, or empty if the driver has made nothing new available
     * @throws QueueException if the ring or the chain is malformed
     */
    public Optional<DescriptorChain> pop(GuestMemory mem) {
        if (pending(mem) == 0) {
            return Optional.empty();
        }
        int slot = nextAvail & (size - 1);
        nextAvail = (nextAvail + 1) & 0xFFFF;
        int head;
        try {
            head = mem.readU16(availRing + 4 + 2L * slot);
        } catch (GuestMemoryException e) {
            throw new QueueException("available ring slot " + slot + ": " + e.getMessage(), e);
        }
        return Optional.of(DescriptorChain.parse(mem, size, descTable, head));
    }

    /**
     * Puts {@code head} with {@code len} written bytes into the used ring and publishes the new used
     * index with release semantics.
     *
     * @throws IllegalArgumentException if {@code head} is not a descriptor index of this queue (a
     *     device bug, not a driver one)
     */
    public void addUsed(GuestMemory mem, int head, int len) {
        if (head < 0 || head >= size) {
            throw new IllegalArgumentException("head " + head + " (expected: < " + size + ")");
        }
        validate(mem);
        long elem = usedRing + 4 + 8L * (nextUsed & (size - 1));
        mem.writeU32(elem, head);
        mem.writeU32(elem + 4, len);
        nextUsed = (nextUsed + 1) & 0xFFFF;
        mem.writeU16Release(usedRing + 2, nextUsed);
    }

    /** The queue size. */
    public int size() {
        return size;
    }

    /** Guest physical address of the descriptor table. */
    public long descTable() {
        return descTable;
    }

    /** Guest physical address of the available ring. */
    public long availRing() {
        return availRing;
    }

    /** Guest physical address of the used ring. */
    public long usedRing() {
        return usedRing;
    }

    /** The device's free-running 16-bit index of the next available entry to pop. */
    public int nextAvail() {
        return nextAvail;
    }

    /** The device's free-running 16-bit index of the next used entry to write. */
    public int nextUsed() {
        return nextUsed;
    }

    @Override
    public String toString() {
        return "SplitQueue[size=" + size + ", desc=0x" + Long.toHexString(descTable) + ", avail=0x"
                + Long.toHexString(availRing) + ", used=0x" + Long.toHexString(usedRing) + ", nextAvail="
                + nextAvail + ", nextUsed=" + nextUsed + "]";
    }
}

package io.hvl9p.transport.driver;

import io.hvl9p.transport.memory.GuestMemory;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A first-fit allocator over one device-memory region (the area given by a device's SHMBase and
 * SHMLen registers): every ring and every bounce buffer of the front-end lives in it, as OpenAMP
 * keeps them (hvl-transport.md section 3, "Buffers"; section 3a.8). In the {@code packed} layout all
 * devices report the same area and share one instance ({@link FrontEnd} keeps one per distinct
 * region).
 *
 * <p>Free space is a map of disjoint free blocks keyed by address; {@link #free} merges a block with
 * its neighbours, so the region returns to one block once everything is freed. Allocated blocks are
 * remembered so that a double free or a foreign buffer is refused. Thread-safe (every method
 * synchronises on the instance).
 */
public final class DeviceMemory {
    /** Alignment of {@link #alloc(int)}: enough for descriptors and any 9P field. */
    public static final int DEFAULT_ALIGN = 16;

    private final GuestMemory mem;
    private final long base;
    private final long len;
    private final TreeMap<Long, Long> free = new TreeMap<>(); // start -> end (exclusive)
    private final Map<Long, long[]> allocated = new HashMap<>(); // pa -> {blockStart, blockEnd}
    private long freeBytes;

    /**
     * The allocator for {@code [base, base + len)}.
     *
     * @throws IllegalArgumentException if the region is empty or not entirely inside {@code mem}
     */
    public DeviceMemory(GuestMemory mem, long base, long len) {
        if (len <= 0 || !mem.contains(base, len)) {
            throw new IllegalArgumentException(
                    String.format("device memory [0x%x, +0x%x) (expected: non-empty and inside %s)", base, len, mem));
        }
        this.mem = mem;
        this.base = base;
        this.len = len;
        free.put(base, base + len);
        freeBytes = len;
    }

    /** Allocates {@code size} bytes aligned to {@link #DEFAULT_ALIGN}. */
    public Buffer alloc(int size) throws OutOfDeviceMemoryException {
        return alloc(size, DEFAULT_ALIGN);
    }

    /**
     * Allocates {@code size} bytes whose address is a multiple of {@code align} (a power of two), the
     * first free block that fits.
     *
     * @throws OutOfDeviceMemoryException if no free block fits, saying how much is free
     */
    public synchronized Buffer alloc(long size, int align) throws OutOfDeviceMemoryException {
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "allocation of " + size + " bytes (expected: 1.." + Integer.MAX_VALUE + ")");
        }
        if (align <= 0 || Integer.bitCount(align) != 1) {
            throw new IllegalArgumentException("alignment " + align + " (expected: a power of two)");
        }
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            long start = e.getKey();
            long end = e.getValue();
            long pa = (start + align - 1) & -(long) align;
            if (pa >= start && pa <= end && end - pa >= size) {
                free.remove(start);
                if (pa > start) {
                    free.put(start, pa);
                }
                if (pa + size < end) {
                    free.put(pa + size, end);
                }
                allocated.put(pa, new long[] {pa, pa + size});
                freeBytes -= size;
                return new Buffer(pa, (int) size);
            }
        }
        throw new OutOfDeviceMemoryException(String.format(
                "out of device memory: %d bytes (%d-aligned) asked, %d of %d bytes free in [0x%x, +0x%x)"
                        + " (largest free block %d bytes)",
                size, align, freeBytes, len, base, len, largestFree()));
    }

    /** Allocates {@code size} zeroed bytes aligned to {@code align} (rings must start zeroed). */
    public Buffer allocZeroed(long size, int align) throws OutOfDeviceMemoryException {
        Buffer b = alloc(size, align);
        mem.copyIn(b.pa(), new byte[b.len()], 0, b.len());
        return b;
    }

    /**
     * Gives {@code buffer} back.
     *
     * @throws IllegalArgumentException if it was not allocated here or is already free
     */
    public synchronized void free(Buffer buffer) {
        long[] block = allocated.get(buffer.pa());
        if (block == null || block[1] - block[0] != buffer.len()) {
            throw new IllegalArgumentException(
                    "free of " + buffer + ": not allocated from " + this + " (double free or foreign buffer)");
        }
        allocated.remove(buffer.pa());
        long start = block[0];
        long end = block[1];
        Map.Entry<Long, Long> before = free.floorEntry(start);
        if (before != null && before.getValue() == start) {
            start = before.getKey();
            free.remove(start);
        }
        Long after = free.get(end);
        if (after != null) {
            free.remove(end);
            end = after;
        }
        free.put(start, end);
        freeBytes += block[1] - block[0];
    }

    private long largestFree() {
        long max = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            max = Math.max(max, e.getValue() - e.getKey());
        }
        return max;
    }

    /** Physical address of the region's first byte. */
    public long base() {
        return base;
    }

    /** The region's size in bytes. */
    public long length() {
        return len;
    }

    /** Bytes not allocated. */
    public synchronized long freeBytes() {
        return freeBytes;
    }

    /** Number of buffers currently allocated. */
    public synchronized int allocations() {
        return allocated.size();
    }

    /** Whether {@code [pa, pa + size)} lies inside this region. */
    public boolean contains(long pa, long size) {
        return size >= 0 && pa >= base && pa - base <= len - size;
    }

    @Override
    public String toString() {
        return String.format("DeviceMemory[0x%x, +0x%x)", base, len);
    }
}

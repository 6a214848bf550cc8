package io.hvl9p.transport.virtq;

import io.hvl9p.transport.memory.GuestMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver (front-end) side of a legacy split virtqueue, for tests: it lays out the rings in
 * guest memory, writes descriptors and indirect tables, publishes available entries and reads the
 * used ring, as OpenAMP or Linux would (rust-vmm's {@code mock.rs} in spirit). Its raw methods also
 * write anything a hostile driver could.
 */
final class MockDriver {
    static final int ALIGN = 4096;

    record Chain(int head, List<Long> writableAddrs) {}

    record Used(int id, int len) {}

    private final GuestMemory mem;
    private final int size;
    private final long ringPa;
    private final long desc;
    private final long avail;
    private final long used;
    private long dataNext;
    private int nextDesc;
    private int availIdx;

    /** Rings at {@code ringPa} (legacy layout, QueueAlign 4096); buffers bump-allocated from {@code dataPa}. */
    MockDriver(GuestMemory mem, int size, long ringPa, long dataPa) {
        this.mem = mem;
        this.size = size;
        this.ringPa = ringPa;
        this.desc = ringPa;
        this.avail = ringPa + 16L * size;
        this.used = (avail + 6L + 2L * size + ALIGN - 1) & -ALIGN;
        this.dataNext = dataPa;
    }

    /** The device's view of the same queue. */
    SplitQueue deviceQueue() {
        return SplitQueue.legacy(size, ringPa, ALIGN);
    }

    long usedRingPa() {
        return used;
    }

    long availRingPa() {
        return avail;
    }

    /** Allocates {@code len} bytes (16-aligned) from the data area. */
    long alloc(long len) {
        long pa = dataNext;
        dataNext = (dataNext + len + 15) & -16L;
        return pa;
    }

    long put(byte[] data) {
        long pa = alloc(data.length);
        mem.copyIn(pa, data, 0, data.length);
        return pa;
    }

    byte[] read(long pa, int len) {
        byte[] out = new byte[len];
        mem.copyOut(pa, out, 0, len);
        return out;
    }

    /** Writes descriptor {@code index} of the table at {@code table}, whatever the values. */
    void writeDescriptor(long table, int index, long addr, long len, int flags, int next) {
        long pa = table + 16L * index;
        mem.writeU64(pa, addr);
        mem.writeU32(pa + 8, (int) len);
        mem.writeU16(pa + 12, flags);
        mem.writeU16(pa + 14, next);
    }

    /** Writes descriptor {@code index} of the main table. */
    void descriptor(int index, long addr, long len, int flags, int next) {
        writeDescriptor(desc, index, addr, len, flags, next);
    }

    /** Puts {@code head} in the next available slot and publishes the index (release). */
    void offer(int head) {
        mem.writeU16(avail + 4 + 2L * (availIdx & (size - 1)), head);
        availIdx = (availIdx + 1) & 0xFFFF;
        mem.writeU16Release(avail + 2, availIdx);
    }

    /** Writes the available index directly, as a hostile driver may. */
    void setAvailIdx(int idx) {
        availIdx = idx & 0xFFFF;
        mem.writeU16Release(avail + 2, availIdx);
    }

    /** Adds and publishes a chain of direct descriptors: readable buffers, then writable ones. */
    Chain add(List<byte[]> readable, int... writableLens) {
        int n = readable.size() + writableLens.length;
        int head = nextDesc;
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = (head + i) & (size - 1);
            int next = (index + 1) & (size - 1);
            int more = i + 1 < n ? DescriptorChain.F_NEXT : 0;
            if (i < readable.size()) {
                byte[] b = readable.get(i);
                descriptor(index, put(b), b.length, more, more != 0 ? next : 0);
            } else {
                int len = writableLens[i - readable.size()];
                long pa = alloc(len);
                out.add(pa);
                descriptor(index, pa, len, DescriptorChain.F_WRITE | more, more != 0 ? next : 0);
            }
        }
        nextDesc = (head + n) & (size - 1);
        offer(head);
        return new Chain(head, out);
    }

    /** Adds and publishes a chain made of one indirect descriptor pointing at a table of all buffers. */
    Chain addIndirect(List<byte[]> readable, int... writableLens) {
        int n = readable.size() + writableLens.length;
        long table = alloc(16L * n);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int more = i + 1 < n ? DescriptorChain.F_NEXT : 0;
            if (i < readable.size()) {
                byte[] b = readable.get(i);
                writeDescriptor(table, i, put(b), b.length, more, more != 0 ? i + 1 : 0);
            } else {
                int len = writableLens[i - readable.size()];
                long pa = alloc(len);
                out.add(pa);
                writeDescriptor(table, i, pa, len, DescriptorChain.F_WRITE | more, more != 0 ? i + 1 : 0);
            }
        }
        int head = nextDesc;
        descriptor(head, table, 16L * n, DescriptorChain.F_INDIRECT, 0);
        nextDesc = (head + 1) & (size - 1);
        offer(head);
        return new Chain(head, out);
    }

    /** The used index as the driver reads it (acquire). */
    int usedIdx() {
        return mem.readU16Acquire(used + 2);
    }

    /** Used element {@code i} (ring slot {@code i mod size}). */
    Used used(int i) {
        long pa = used + 4 + 8L * (i & (size - 1));
        return new Used(mem.readU32(pa), mem.readU32(pa + 4));
    }
}

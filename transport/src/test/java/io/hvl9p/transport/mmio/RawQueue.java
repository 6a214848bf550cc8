package io.hvl9p.transport.mmio;

import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.virtq.SplitQueue;
import java.io.IOException;

/**
 * A legacy split queue driven by hand, with no {@link io.hvl9p.transport.driver.FrontEnd} and no
 * interrupt handler: one request at a time in descriptors 0 (readable) and 1 (writable), buffers at
 * a fixed address, completion found by spinning on the used index. For tests that must not read
 * the interrupt FIFO, or that count its bytes themselves. VRING_AVAIL_F_NO_INTERRUPT is cleared, so
 * the back-end sends an interrupt for every completion.
 */
final class RawQueue {
    private static final int MAX_REQUEST = 0x800;

    private final GuestMemory mem;
    private final long header;
    private final int index;
    private final int size;
    private final long desc;
    private final long avail;
    private final long used;
    private final long buf;
    private final DriverDoorbell kicker;
    private int availIdx;

    private RawQueue(GuestMemory mem, long header, int index, int size, long ringPa, long buf, DriverDoorbell kicker) {
        this.mem = mem;
        this.header = header;
        this.index = index;
        this.size = size;
        this.desc = ringPa;
        this.avail = ringPa + 16L * size;
        this.used = (avail + 6L + 2L * size + Regs.PAGE_SIZE - 1) & -(long) Regs.PAGE_SIZE;
        this.buf = buf;
        this.kicker = kicker;
        this.availIdx = mem.readU16Acquire(avail + 2);
        mem.writeU16Release(avail, 0);
    }

    /** A queue set up by hand: its zeroed ring at {@code ringPa} (4 KiB aligned). */
    static RawQueue fresh(
            GuestMemory mem, long header, int index, int size, long ringPa, long buf, DriverDoorbell kicker) {
        mem.copyIn(ringPa, new byte[(int) SplitQueue.legacyBytes(size, Regs.PAGE_SIZE)], 0, (int)
                SplitQueue.legacyBytes(size, Regs.PAGE_SIZE));
        return new RawQueue(mem, header, index, size, ringPa, buf, kicker);
    }

    /** Takes over the ring of {@code q} (set up by a front-end that is gone now), idle. */
    static RawQueue takeOver(GuestMemory mem, DriverQueue q, long header, long buf, DriverDoorbell kicker) {
        return new RawQueue(mem, header, q.index(), q.size(), q.ringPa(), buf, kicker);
    }

    /** The legacy PFN of the ring. */
    int pfn() {
        return (int) (desc / Regs.PAGE_SIZE);
    }

    long availRingPa() {
        return avail;
    }

    int usedIdx() {
        return mem.readU16Acquire(used + 2);
    }

    /** Makes one request available (descriptors 0 and 1) and notifies; does not wait. */
    void submit(byte[] request, int replyCapacity) throws IOException {
        if (request.length > MAX_REQUEST || replyCapacity > MAX_REQUEST) {
            throw new IllegalArgumentException("request " + request.length + ", reply " + replyCapacity);
        }
        mem.copyIn(buf, request, 0, request.length);
        HvlRig.writeTable(
                mem,
                desc,
                java.util.List.of(
                        new HvlRig.Desc(buf, request.length, HvlRig.Desc.NEXT, 1),
                        new HvlRig.Desc(buf + MAX_REQUEST, replyCapacity, HvlRig.Desc.WRITE, 0)));
        mem.writeU16(avail + 4 + 2L * (availIdx & (size - 1)), 0);
        availIdx = (availIdx + 1) & 0xFFFF;
        mem.writeU16Release(avail + 2, availIdx);
        mem.writeU32Release(header + Regs.QUEUE_NOTIFY, index);
        kicker.kick();
    }

    /** Waits (spinning, up to {@link HvlRig#LONG}) until the used index reaches {@code idx}. */
    void awaitUsed(int idx, String what) {
        HvlRig.await(() -> usedIdx() == (idx & 0xFFFF), what + ": used index " + idx + " (reads " + usedIdx() + ")");
    }

    /** One request, waited for by spinning on the used index; returns the reply. */
    byte[] call(byte[] request, int replyCapacity) throws IOException {
        int before = usedIdx();
        submit(request, replyCapacity);
        awaitUsed(before + 1, "queue " + index);
        long elem = used + 4 + 8L * (before & (size - 1));
        int head = mem.readU32(elem);
        int len = mem.readU32(elem + 4);
        if (head != 0 || len < 0 || len > replyCapacity) {
            throw new AssertionError("used element: head " + head + ", length " + len);
        }
        byte[] reply = new byte[len];
        mem.copyOut(buf + MAX_REQUEST, reply, 0, len);
        return reply;
    }
}

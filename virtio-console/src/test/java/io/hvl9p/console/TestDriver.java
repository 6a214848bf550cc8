package io.hvl9p.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.mmio.Regs;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A minimal front-end for one device, as OpenAMP drives it (hvl-transport.md section 3): plain
 * Status writes, the QueuePFN handshake per queue, legacy split rings with direct descriptors. The
 * transport's own driver simulator replaces this once it exists.
 */
final class TestDriver {
    static final int F_NEXT = 1;
    static final int F_WRITE = 2;

    private final GuestMemory mem;
    private final StubDoorbell bell;
    private final long hdr;
    private long dataNext;

    TestDriver(GuestMemory mem, StubDoorbell bell, long hdr, long dataPa) {
        this.mem = mem;
        this.bell = bell;
        this.hdr = hdr;
        this.dataNext = dataPa;
    }

    int reg(int off) {
        return mem.readU32Acquire(hdr + off);
    }

    void put(int off, int value) {
        mem.writeU32Release(hdr + off, value);
    }

    /** Steps 1 to 4: status, features, one ring per queue at {@code ringPas[i]}, DRIVER_OK, notifies. */
    Ring[] init(int queueSize, long... ringPas) {
        assertThat(reg(Regs.MAGIC_VALUE)).isEqualTo(Regs.MAGIC);
        put(Regs.STATUS, Regs.S_ACKNOWLEDGE);
        bell.kick();
        put(Regs.GUEST_PAGE_SIZE, Regs.PAGE_SIZE);
        put(Regs.STATUS, Regs.S_DRIVER);
        bell.kick();
        put(Regs.HOST_FEATURES_SEL, 0);
        put(Regs.GUEST_FEATURES, reg(Regs.HOST_FEATURES));
        bell.kick();
        Ring[] rings = new Ring[ringPas.length];
        for (int q = 0; q < ringPas.length; q++) {
            put(Regs.QUEUE_SEL, q);
            put(Regs.QUEUE_NUM, queueSize);
            put(Regs.QUEUE_ALIGN, Regs.PAGE_SIZE);
            int pfn = (int) (ringPas[q] / Regs.PAGE_SIZE);
            put(Regs.QUEUE_PFN, pfn);
            bell.kick();
            await(() -> reg(Regs.QUEUE_PFN) == Regs.PFN_ACK, "ACK of queue " + q);
            put(Regs.QUEUE_PFN, pfn); // the write-back, no kick
            rings[q] = new Ring(q, queueSize, ringPas[q]);
        }
        put(Regs.STATUS, Regs.S_DRIVER_OK);
        bell.kick();
        for (int q = 0; q < ringPas.length; q++) {
            put(Regs.QUEUE_NOTIFY, q);
            bell.kick();
        }
        return rings;
    }

    /** Status = 0, kick (step 6). */
    void reset() {
        put(Regs.STATUS, 0);
        bell.kick();
    }

    long alloc(int len) {
        long pa = dataNext;
        dataNext = (dataNext + len + 15) & -16L;
        return pa;
    }

    byte[] read(long pa, int len) {
        byte[] b = new byte[len];
        mem.copyOut(pa, b, 0, len);
        return b;
    }

    static void await(BooleanSupplier cond, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    record Used(int id, int len) {}

    /** The driver's side of one legacy split ring. */
    final class Ring {
        final int queue;
        final int size;
        final long desc;
        final long avail;
        final long used;
        private int nextDesc;
        private int availIdx;

        Ring(int queue, int size, long ringPa) {
            this.queue = queue;
            this.size = size;
            this.desc = ringPa;
            this.avail = ringPa + 16L * size;
            this.used = (avail + 6L + 2L * size + Regs.PAGE_SIZE - 1) & -(long) Regs.PAGE_SIZE;
            byte[] zero = new byte[(int) (used + 6 + 8L * size - ringPa)];
            mem.copyIn(ringPa, zero, 0, zero.length); // a fresh ring, as a driver allocates it
        }

        int usedIdx() {
            return mem.readU16Acquire(used + 2);
        }

        Used usedAt(int i) {
            long pa = used + 4 + 8L * (i & (size - 1));
            return new Used(mem.readU32(pa), mem.readU32(pa + 4));
        }

        /** Entries offered and not yet returned. */
        int inFlight() {
            return (availIdx - usedIdx()) & 0xFFFF;
        }

        private void descriptor(int index, long addr, int len, int flags, int next) {
            long pa = desc + 16L * index;
            mem.writeU64(pa, addr);
            mem.writeU32(pa + 8, len);
            mem.writeU16(pa + 12, flags);
            mem.writeU16(pa + 14, next);
        }

        /**
         * Publishes one chain of direct descriptors (readable buffers, then writable ones of the
         * given lengths), waiting for room first as OpenAMP spins on a full ring. Returns the
         * writable buffers' addresses. Does not kick.
         */
        long[] offer(byte[][] readable, int... writable) {
            int n = readable.length + writable.length;
            await(() -> inFlight() + n <= size, "room in queue " + queue);
            int head = nextDesc;
            long[] out = new long[writable.length];
            for (int i = 0; i < n; i++) {
                int index = (head + i) & (size - 1);
                int more = i + 1 < n ? F_NEXT : 0;
                int next = more != 0 ? (index + 1) & (size - 1) : 0;
                if (i < readable.length) {
                    long pa = alloc(readable[i].length);
                    mem.copyIn(pa, readable[i], 0, readable[i].length);
                    descriptor(index, pa, readable[i].length, more, next);
                } else {
                    int len = writable[i - readable.length];
                    long pa = alloc(len);
                    out[i - readable.length] = pa;
                    descriptor(index, pa, len, F_WRITE | more, next);
                }
            }
            nextDesc = (head + n) & (size - 1);
            mem.writeU16(avail + 4 + 2L * (availIdx & (size - 1)), head);
            availIdx = (availIdx + 1) & 0xFFFF;
            mem.writeU16Release(avail + 2, availIdx);
            return out;
        }

        /** QueueNotify and a kick. */
        void notifyDevice() {
            put(Regs.QUEUE_NOTIFY, queue);
            bell.kick();
        }
    }
}

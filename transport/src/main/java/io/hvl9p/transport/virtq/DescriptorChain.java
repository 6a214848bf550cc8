package io.hvl9p.transport.virtq;

import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.memory.GuestMemoryException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A descriptor chain taken from the available ring, walked and validated once, at
 * {@link SplitQueue#pop}, for a hostile driver (virtio 1.2 sections 2.7.5 and 2.7.5.3):
 *
 * <ul>
 *   <li>a TTL: at most {@code queueSize} descriptors in the main table and at most its own length in
 *       an indirect table, so a loop ({@code next} pointing back) ends in an error;
 *   <li>{@code next} below the table's length;
 *   <li>indirect tables: no indirect inside indirect, no INDIRECT together with NEXT, length a
 *       non-zero multiple of 16 and at most {@value SplitQueue#MAX_SIZE} entries, inside memory;
 *   <li>every {@code addr + len} inside guest memory without overflow;
 *   <li>the total length at most 2^32 - 1;
 *   <li>all device-readable descriptors before all device-writable ones.
 * </ul>
 *
 * The descriptors are copied into this object as they are validated, so a driver that rewrites the
 * table afterwards cannot change what the device uses. The buffers themselves still live in shared
 * memory: {@link #readAll} copies the request out once before it is parsed, {@link #writeAll}
 * copies a privately encoded reply in.
 */
public final class DescriptorChain {
    static final int F_NEXT = 1;
    static final int F_WRITE = 2;
    static final int F_INDIRECT = 4;
    static final int DESC_SIZE = 16;
    static final long MAX_TOTAL = 0xFFFF_FFFFL;

    private final int head;
    private final List<Descriptor> descriptors;
    private final long readableLength;
    private final long writableLength;

    private DescriptorChain(int head, List<Descriptor> descriptors, long readable, long writable) {
        this.head = head;
        this.descriptors = List.copyOf(descriptors);
        this.readableLength = readable;
        this.writableLength = writable;
    }

    /** Walks and validates the chain starting at {@code head} of the table at {@code descTable}. */
    static DescriptorChain parse(GuestMemory mem, int queueSize, long descTable, int head) {
        if (head < 0 || head >= queueSize) {
            throw new QueueException("head index " + head + " out of range (expected: < " + queueSize + ")");
        }
        List<Descriptor> out = new ArrayList<>();
        long table = descTable;
        long tableLen = queueSize;
        boolean indirect = false;
        long ttl = queueSize;
        int index = head;
        long readable = 0;
        long writable = 0;
        boolean seenWritable = false;
        while (true) {
            String where = (indirect ? "indirect descriptor " : "descriptor ") + index + " of chain " + head;
            if (ttl-- == 0) {
                throw new QueueException(where + ": chain longer than "
                        + (indirect ? "its indirect table (" + tableLen + " entries)" : "the queue size " + queueSize)
                        + ", a loop?");
            }
            long pa = table + (long) index * DESC_SIZE;
            long addr;
            long len;
            int flags;
            int next;
            try {
                addr = mem.readU64(pa);
                len = Integer.toUnsignedLong(mem.readU32(pa + 8));
                flags = mem.readU16(pa + 12);
                next = mem.readU16(pa + 14);
            } catch (GuestMemoryException e) {
                throw new QueueException(where + ": descriptor table outside guest memory", e);
            }
            if ((flags & F_INDIRECT) != 0) {
                if (indirect) {
                    throw new QueueException(where + ": indirect descriptor inside an indirect table");
                }
                if ((flags & F_NEXT) != 0) {
                    throw new QueueException(where + ": INDIRECT together with NEXT (section 2.7.5.3.1)");
                }
                if (len == 0 || len % DESC_SIZE != 0) {
                    throw new QueueException(
                            where + ": indirect table length " + len + " (expected: a non-zero multiple of 16)");
                }
                if (len / DESC_SIZE > SplitQueue.MAX_SIZE) {
                    throw new QueueException(where + ": indirect table of " + len / DESC_SIZE
                            + " entries (expected: <= " + SplitQueue.MAX_SIZE + ")");
                }
                inside(mem, addr, len, where + ": indirect table");
                table = addr;
                tableLen = len / DESC_SIZE;
                ttl = tableLen;
                indirect = true;
                index = 0;
                continue;
            }
            boolean write = (flags & F_WRITE) != 0;
            if (!write && seenWritable) {
                throw new QueueException(where + ": device-readable after device-writable descriptors");
            }
            inside(mem, addr, len, where + ": buffer");
            if (readable + writable + len > MAX_TOTAL) {
                throw new QueueException(where + ": total chain length " + (readable + writable + len)
                        + " (expected: <= " + MAX_TOTAL + ")");
            }
            if (write) {
                seenWritable = true;
                writable += len;
            } else {
                readable += len;
            }
            out.add(new Descriptor(addr, len, write));
            if ((flags & F_NEXT) == 0) {
                return new DescriptorChain(head, out, readable, writable);
            }
            if (next >= tableLen) {
                throw new QueueException(
                        where + ": next index " + next + " out of range (expected: < " + tableLen + ")");
            }
            index = next;
        }
    }

    private static void inside(GuestMemory mem, long addr, long len, String what) {
        try {
            mem.offset(addr, len);
        } catch (GuestMemoryException e) {
            throw new QueueException(
                    what + " [0x" + Long.toHexString(addr) + ", +" + len + ") outside guest memory: " + e.getMessage(),
                    e);
        }
    }

    /** The head index, to hand back to {@link SplitQueue#addUsed}. */
    public int head() {
        return head;
    }

    /** The validated descriptors in chain order (readable ones first); indirect ones are expanded. */
    public List<Descriptor> descriptors() {
        return descriptors;
    }

    /** Total bytes the device may read. */
    public long readableLength() {
        return readableLength;
    }

    /** Total bytes the device may write. */
    public long writableLength() {
        return writableLength;
    }

    /**
     * Copies the device-readable part out of shared memory, once, so it can be parsed privately.
     *
     * @param maxLength the most the caller accepts
     * @throws QueueException if the readable part is longer than {@code maxLength}
     */
    public byte[] readAll(GuestMemory mem, int maxLength) {
        if (readableLength > maxLength) {
            throw new QueueException("chain " + head + ": readable part of " + readableLength + " bytes (expected: <= "
                    + maxLength + ")");
        }
        byte[] dst = new byte[(int) readableLength];
        int pos = 0;
        for (Descriptor d : descriptors) {
            if (d.writable()) {
                break;
            }
            try {
                mem.copyOut(d.addr(), dst, pos, (int) d.len());
            } catch (GuestMemoryException e) {
                throw new QueueException("chain " + head + ": " + e.getMessage(), e);
            }
            pos += (int) d.len();
        }
        return dst;
    }

    /**
     * Scatters {@code src} (from its position to its limit) over the device-writable descriptors in
     * order, advancing its position.
     *
     * @return the number of bytes written, the length to report in the used ring
     * @throws QueueException if {@code src} does not fit; nothing is written then
     */
    public int writeAll(GuestMemory mem, ByteBuffer src) {
        return writeAll(mem, new ByteBuffer[] {src});
    }

    /**
     * Scatters several buffers, one after the other, over the device-writable descriptors (a reply
     * whose header and payload are separate buffers), advancing their positions.
     *
     * @return the number of bytes written
     * @throws QueueException if they do not fit; nothing is written then
     */
    public int writeAll(GuestMemory mem, ByteBuffer... srcs) {
        long total = 0;
        for (ByteBuffer b : srcs) {
            total += b.remaining();
        }
        if (total > writableLength) {
            throw new QueueException("chain " + head + ": reply of " + total + " bytes (expected: <= " + writableLength
                    + ", the writable part)");
        }
        int src = 0;
        for (Descriptor d : descriptors) {
            if (!d.writable()) {
                continue;
            }
            long addr = d.addr();
            long room = d.len();
            while (room > 0) {
                while (src < srcs.length && !srcs[src].hasRemaining()) {
                    src++;
                }
                if (src == srcs.length) {
                    return (int) total;
                }
                int n = (int) Math.min(room, srcs[src].remaining());
                try {
                    mem.copyIn(addr, srcs[src], n);
                } catch (GuestMemoryException e) {
                    throw new QueueException("chain " + head + ": " + e.getMessage(), e);
                }
                addr += n;
                room -= n;
            }
        }
        return (int) total;
    }

    @Override
    public String toString() {
        return "DescriptorChain[head=" + head + ", descriptors=" + descriptors.size() + ", readable=" + readableLength
                + ", writable=" + writableLength + "]";
    }
}

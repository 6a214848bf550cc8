package io.hvl9p.transport.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The shared pool as the front-end sees it: a {@link MemorySegment} placed at a physical base
 * address (hvl-transport.md section 1). Every address handed in is a guest physical address; it is
 * translated to {@code pa - physBase} and refused with a {@link GuestMemoryException} unless the
 * whole range {@code [pa, pa + len)} lies inside the pool. No access ever leaves the pool.
 *
 * <p>All values are little-endian (virtio 1.2 section 2.7: legacy split rings are little-endian on
 * every platform this project targets). Plain accessors use unaligned layouts. The acquire/release
 * accessors used for ring indices and shared registers use <em>aligned</em> little-endian layouts
 * through {@link VarHandle} access modes ({@code getAcquire}/{@code setRelease}), which the JDK only
 * allows on naturally aligned addresses; the alignment is checked here and a misaligned address is a
 * {@link GuestMemoryException}. The pool must therefore be a native segment whose address is
 * aligned to at least 8 bytes (an {@code mmap}ed file or UIO map is page-aligned).
 *
 * <p>Instances are immutable and may be shared between threads; the memory itself is shared with the
 * front-end, so concurrent changes by the driver are expected (copy, then parse).
 */
public final class GuestMemory {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U16_ATOMIC =
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32_ATOMIC =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final MemorySegment pool;
    private final long physBase;
    private final long size;

    private GuestMemory(MemorySegment pool, long physBase) {
        this.pool = pool;
        this.physBase = physBase;
        this.size = pool.byteSize();
    }

    /**
     * A view of {@code pool} seen by the front-end at physical address {@code physBase}.
     *
     * @throws IllegalArgumentException if the pool is not native, not 8-byte aligned, or if
     *     {@code physBase + size} overflows the 64-bit physical address space
     */
    public static GuestMemory of(MemorySegment pool, long physBase) {
        Objects.requireNonNull(pool, "pool");
        if (!pool.isNative()) {
            throw new IllegalArgumentException("pool must be a native segment (expected: mmap or Arena memory)");
        }
        if (pool.address() % 8 != 0) {
            throw new IllegalArgumentException(
                    "pool address 0x" + Long.toHexString(pool.address()) + " is not 8-byte aligned");
        }
        long end = physBase + pool.byteSize();
        if (Long.compareUnsigned(end, physBase) < 0) {
            throw new IllegalArgumentException(
                    "physBase 0x" + Long.toHexString(physBase) + " + size " + pool.byteSize() + " overflows 64 bits");
        }
        return new GuestMemory(pool, physBase);
    }

    /** The physical address at which the front-end sees offset 0 of the pool. */
    public long physBase() {
        return physBase;
    }

    /** The pool's size in bytes. */
    public long size() {
        return size;
    }

    /** Whether {@code [pa, pa + len)} lies inside the pool; never throws for any input. */
    public boolean contains(long pa, long len) {
        return check(pa, len) == null;
    }

    /**
     * Translates {@code [pa, pa + len)} to an offset into the pool.
     *
     * @param pa guest physical address, compared as unsigned
     * @param len length in bytes, must be {@code >= 0}
     * @throws GuestMemoryException if any byte of the range is outside the pool
     */
    public long offset(long pa, long len) {
        String problem = check(pa, len);
        if (problem != null) {
            throw new GuestMemoryException(problem);
        }
        return pa - physBase;
    }

    private String check(long pa, long len) {
        if (len < 0) {
            return "negative length " + len + " at " + hex(pa);
        }
        if (Long.compareUnsigned(pa + len, pa) < 0) {
            return "range " + hex(pa) + " + " + len + " overflows 64 bits";
        }
        if (Long.compareUnsigned(pa, physBase) < 0) {
            return "address " + hex(pa) + " is below the pool base " + hex(physBase);
        }
        long off = pa - physBase;
        if (len > size || off > size - len) {
            return "range " + hex(pa) + " + " + len + " ends beyond the pool [" + hex(physBase) + ", "
                    + hex(physBase + size) + ")";
        }
        return null;
    }

    private long aligned(long pa, int len) {
        long off = offset(pa, len);
        if (((pool.address() + off) & (len - 1)) != 0) {
            throw new GuestMemoryException("address " + hex(pa) + " is not " + len + "-byte aligned");
        }
        return off;
    }

    /** Reads a little-endian unsigned 16-bit value (plain access). */
    public int readU16(long pa) {
        return Short.toUnsignedInt(pool.get(U16, offset(pa, 2)));
    }

    /** Reads a little-endian 32-bit value (plain access); the bits are returned as an {@code int}. */
    public int readU32(long pa) {
        return pool.get(U32, offset(pa, 4));
    }

    /** Reads a little-endian 64-bit value (plain access). */
    public long readU64(long pa) {
        return pool.get(U64, offset(pa, 8));
    }

    /** Writes the low 16 bits of {@code value}, little-endian (plain access). */
    public void writeU16(long pa, int value) {
        pool.set(U16, offset(pa, 2), (short) value);
    }

    /** Writes a little-endian 32-bit value (plain access). */
    public void writeU32(long pa, int value) {
        pool.set(U32, offset(pa, 4), value);
    }

    /** Writes a little-endian 64-bit value (plain access). */
    public void writeU64(long pa, long value) {
        pool.set(U64, offset(pa, 8), value);
    }

    /** Reads an aligned unsigned 16-bit value with acquire semantics (a ring index). */
    public int readU16Acquire(long pa) {
        return Short.toUnsignedInt((short) U16_ATOMIC.getAcquire(pool, aligned(pa, 2)));
    }

    /** Writes an aligned 16-bit value with release semantics (publishing a ring index). */
    public void writeU16Release(long pa, int value) {
        U16_ATOMIC.setRelease(pool, aligned(pa, 2), (short) value);
    }

    /** Reads an aligned 32-bit value with acquire semantics (a shared register). */
    public int readU32Acquire(long pa) {
        return (int) U32_ATOMIC.getAcquire(pool, aligned(pa, 4));
    }

    /** Writes an aligned 32-bit value with release semantics (a shared register). */
    public void writeU32Release(long pa, int value) {
        U32_ATOMIC.setRelease(pool, aligned(pa, 4), value);
    }

    /** Atomically ORs {@code bits} into an aligned 32-bit word (setting InterruptStatus bits); returns the old value. */
    public int orU32(long pa, int bits) {
        return (int) U32_ATOMIC.getAndBitwiseOr(pool, aligned(pa, 4), bits);
    }

    /** Atomically ANDs {@code mask} into an aligned 32-bit word (clearing acknowledged bits); returns the old value. */
    public int andU32(long pa, int mask) {
        return (int) U32_ATOMIC.getAndBitwiseAnd(pool, aligned(pa, 4), mask);
    }

    /** Atomically replaces an aligned 32-bit word if it still holds {@code expected}. */
    public boolean casU32(long pa, int expected, int value) {
        return U32_ATOMIC.compareAndSet(pool, aligned(pa, 4), expected, value);
    }

    /** Copies {@code len} bytes starting at {@code pa} into {@code dst[off, off + len)}. */
    public void copyOut(long pa, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        MemorySegment.copy(pool, ValueLayout.JAVA_BYTE, offset(pa, len), dst, off, len);
    }

    /** Copies {@code src[off, off + len)} into guest memory starting at {@code pa}. */
    public void copyIn(long pa, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        MemorySegment.copy(src, off, pool, ValueLayout.JAVA_BYTE, offset(pa, len), len);
    }

    /**
     * Copies the next {@code len} bytes of {@code src} (heap or direct) to {@code pa} and advances
     * its position by {@code len}.
     */
    public void copyIn(long pa, ByteBuffer src, int len) {
        Objects.checkFromIndexSize(0, len, src.remaining());
        long off = offset(pa, len);
        MemorySegment from = MemorySegment.ofBuffer(src);
        MemorySegment.copy(from, 0, pool, off, len);
        src.position(src.position() + len);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @Override
    public String toString() {
        return "GuestMemory[" + hex(physBase) + ", " + hex(physBase + size) + ")";
    }
}

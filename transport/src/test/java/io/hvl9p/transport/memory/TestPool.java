package io.hvl9p.transport.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A pool for tests: {@code Arena.ofConfined().allocate(size + 2 guards, 4096)}, the pool being the
 * middle part. The guard pages either side are filled with a canary so a test can check that nothing
 * wrote outside the pool.
 */
public final class TestPool implements AutoCloseable {
    /** The physical base the tests use, as in hvl-transport.md's example. */
    public static final long PHYS_BASE = 0x3700_0000L;

    private static final int GUARD = 4096;
    private static final byte CANARY = (byte) 0xA5;

    private final Arena arena;
    private final MemorySegment whole;
    private final GuestMemory memory;

    private TestPool(long size, long physBase) {
        this.arena = Arena.ofConfined();
        this.whole = arena.allocate(size + 2L * GUARD, 4096);
        whole.fill(CANARY);
        MemorySegment pool = whole.asSlice(GUARD, size);
        pool.fill((byte) 0);
        this.memory = GuestMemory.of(pool, physBase);
    }

    /** A zeroed pool of {@code size} bytes at {@link #PHYS_BASE}. */
    public static TestPool create(long size) {
        return new TestPool(size, PHYS_BASE);
    }

    /** A zeroed pool of {@code size} bytes at {@code physBase}. */
    public static TestPool create(long size, long physBase) {
        return new TestPool(size, physBase);
    }

    /** The pool. */
    public GuestMemory memory() {
        return memory;
    }

    /** Whether both guard pages still hold only the canary. */
    public boolean guardsIntact() {
        long size = whole.byteSize();
        for (long i = 0; i < GUARD; i++) {
            if (whole.get(ValueLayout.JAVA_BYTE, i) != CANARY
                    || whole.get(ValueLayout.JAVA_BYTE, size - 1 - i) != CANARY) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        arena.close();
    }
}

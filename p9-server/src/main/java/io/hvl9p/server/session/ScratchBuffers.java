package io.hvl9p.server.session;

import java.nio.ByteBuffer;

/**
 * Per-thread direct buffers for Rread data, used only when the caller promised to send the reply
 * before handling anything else on the thread ({@link Session#handle(io.hvl9p.protocol.TMessage,
 * boolean, java.util.function.BooleanSupplier)}). A direct buffer is what both pread (through FFM) and a socket write use without an
 * intermediate copy; a heap buffer costs the JDK a copy into a temporary direct one on every
 * socket write. Otherwise a fresh heap buffer is returned, which the reply may keep.
 */
final class ScratchBuffers {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final ThreadLocal<ByteBuffer> READ = new ThreadLocal<>();

    private ScratchBuffers() {}

    static void enabled(boolean on) {
        ENABLED.set(on);
    }

    static ByteBuffer forRead(int size) {
        if (!ENABLED.get()) {
            return ByteBuffer.allocate(size);
        }
        ByteBuffer b = READ.get();
        if (b == null || b.capacity() < size) {
            // grow to the next power of two, so a thread settles on one buffer per msize
            int cap = Integer.highestOneBit(Math.max(size, 4096) - 1) << 1;
            b = ByteBuffer.allocateDirect(Math.max(cap, size));
            READ.set(b);
        }
        return b.clear().limit(size);
    }
}

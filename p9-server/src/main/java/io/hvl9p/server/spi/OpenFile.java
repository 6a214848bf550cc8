package io.hvl9p.server.spi;

import java.nio.ByteBuffer;

/**
 * An opened file or directory. Thread-safe: reads and writes at explicit offsets may run
 * concurrently; readdir calls on one open directory are serialised by the implementation.
 * Byte-range locks belong to the open file and are released when it is closed.
 */
public interface OpenFile extends AutoCloseable {
    /** Reads at {@code offset} into {@code dst} (position to limit); returns the bytes read, 0 at end of file. */
    int read(long offset, ByteBuffer dst);

    /** Writes {@code src} (position to limit) at {@code offset}; returns the bytes written. */
    int write(long offset, ByteBuffer src);

    void fsync(boolean datasync);

    /**
     * Lists entries starting at {@code cookie} (0 for the start, else a {@code nextCookie} handed
     * out before) into {@code sink} until it refuses one or the directory ends.
     */
    void readdir(long cookie, DirentSink sink);

    /**
     * Tries to take or release a byte-range lock; {@code length} 0 means to end of file. Never
     * blocks: returns {@code LockConstants.STATUS_*} (BLOCKED for a conflict).
     */
    int lock(int type, long start, long length);

    /** The first lock that would conflict with the one described, or type UNLCK. */
    LockResult getlock(int type, long start, long length, int procId, byte[] clientId);

    @Override
    void close();
}

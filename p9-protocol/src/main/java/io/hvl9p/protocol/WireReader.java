package io.hvl9p.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A bounded little-endian reader over one frame. Every read checks the bytes left first, so a
 * hostile count can never make it allocate more than the frame holds or run past its end; every
 * failure is a {@link MalformedMessageException}.
 */
final class WireReader {
    private final ByteBuffer buf;
    private int tag = MalformedMessageException.NO_TAG;

    WireReader(ByteBuffer frame) {
        this.buf = frame.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    void tag(int t) {
        this.tag = t;
    }

    int tag() {
        return tag;
    }

    int remaining() {
        return buf.remaining();
    }

    int position() {
        return buf.position();
    }

    MalformedMessageException error(int errno, String msg) {
        return new MalformedMessageException(tag, errno, msg + " at offset " + buf.position());
    }

    private void need(int n, String what) {
        if (buf.remaining() < n) {
            throw error(Errno.EPROTO, "truncated " + what + ": needs " + n + " bytes, " + buf.remaining() + " left");
        }
    }

    int u8(String what) {
        need(1, what);
        return buf.get() & 0xff;
    }

    int u16(String what) {
        need(2, what);
        return buf.getShort() & 0xffff;
    }

    int u32(String what) {
        need(4, what);
        return buf.getInt();
    }

    long u64(String what) {
        need(8, what);
        return buf.getLong();
    }

    Fid fid(String what) {
        return Fid.of(u32(what));
    }

    Qid qid(String what) {
        need(Qid.SIZE, what);
        int type = buf.get() & 0xff;
        int version = buf.getInt();
        long path = buf.getLong();
        return new Qid(type, version, path);
    }

    private byte[] stringBytes(String what) {
        int len = u16(what + " length");
        if (len > buf.remaining()) {
            throw error(Errno.EPROTO, what + " of " + len + " bytes, but only " + buf.remaining() + " left");
        }
        byte[] b = new byte[len];
        buf.get(b);
        return b;
    }

    P9String string(String what) {
        byte[] b = stringBytes(what);
        for (byte x : b) {
            if (x == 0) {
                throw error(Errno.EINVAL, what + " contains a NUL byte");
            }
        }
        return P9String.wrap(b);
    }

    /** A path component; a bad name is answered with ENOENT, as QEMU and Linux do. */
    P9Name name(String what) {
        byte[] b = stringBytes(what);
        String p = P9Name.problem(b);
        if (p != null) {
            throw error(Errno.ENOENT, what + ": " + p);
        }
        return P9Name.wrap(b);
    }

    /** A view of the next {@code count} bytes (no copy), for Twrite/Rread data. */
    ByteBuffer slice(long count, String what) {
        if (count < 0 || count > buf.remaining()) {
            throw error(
                    Errno.EPROTO,
                    what + " count " + Integer.toUnsignedString((int) count) + " (expected: <= " + buf.remaining()
                            + " bytes left)");
        }
        int n = (int) count;
        ByteBuffer s = buf.slice(buf.position(), n);
        buf.position(buf.position() + n);
        return s;
    }

    /** Checks a count of items of at least {@code minItemSize} bytes against the bytes left before allocating. */
    int count(int n, int minItemSize, int max, String what) {
        if (n > max) {
            throw error(Errno.EINVAL, what + " " + n + " (expected: <= " + max + ")");
        }
        if ((long) n * minItemSize > buf.remaining()) {
            throw error(
                    Errno.EPROTO,
                    what + " " + n + " needs at least " + (long) n * minItemSize + " bytes, " + buf.remaining()
                            + " left");
        }
        return n;
    }

    void end() {
        if (buf.hasRemaining()) {
            throw error(Errno.EPROTO, buf.remaining() + " trailing bytes");
        }
    }
}

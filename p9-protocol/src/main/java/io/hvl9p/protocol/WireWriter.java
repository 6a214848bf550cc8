package io.hvl9p.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A growable little-endian writer for one frame. Large payloads (Rread/Twrite data) are not
 * written here: the encoder keeps them as a separate buffer so that they are copied once, by
 * whoever moves the frame to the wire.
 */
final class WireWriter {
    private ByteBuffer buf;

    WireWriter(int initialCapacity) {
        buf = ByteBuffer.allocate(Math.max(64, initialCapacity)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void ensure(int n) {
        if (buf.remaining() < n) {
            int cap = Math.max(buf.capacity() * 2, buf.position() + n);
            ByteBuffer b = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            b.put(buf);
            buf = b;
        }
    }

    WireWriter u8(int v) {
        if ((v & ~0xff) != 0) {
            throw new IllegalArgumentException("u8 value " + v + " (expected: 0..255)");
        }
        ensure(1);
        buf.put((byte) v);
        return this;
    }

    WireWriter u16(int v) {
        if ((v & ~0xffff) != 0) {
            throw new IllegalArgumentException("u16 value " + v + " (expected: 0..65535)");
        }
        ensure(2);
        buf.putShort((short) v);
        return this;
    }

    WireWriter u32(int v) {
        ensure(4);
        buf.putInt(v);
        return this;
    }

    WireWriter u64(long v) {
        ensure(8);
        buf.putLong(v);
        return this;
    }

    WireWriter fid(Fid f) {
        return u32(f.value());
    }

    WireWriter qid(Qid q) {
        ensure(Qid.SIZE);
        buf.put((byte) q.type()).putInt(q.version()).putLong(q.path());
        return this;
    }

    private WireWriter bytes(byte[] b) {
        u16(b.length);
        ensure(b.length);
        buf.put(b);
        return this;
    }

    WireWriter string(P9String s) {
        return bytes(s.unsafeBytes());
    }

    WireWriter name(P9Name n) {
        return bytes(n.unsafeBytes());
    }

    WireWriter raw(ByteBuffer data) {
        ensure(data.remaining());
        buf.put(data.duplicate());
        return this;
    }

    int position() {
        return buf.position();
    }

    void putIntAt(int index, int v) {
        buf.putInt(index, v);
    }

    /** The written bytes, flipped for reading. */
    ByteBuffer finish() {
        buf.flip();
        return buf;
    }
}

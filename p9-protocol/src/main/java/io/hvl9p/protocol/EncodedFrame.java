package io.hvl9p.protocol;

import java.nio.ByteBuffer;

/**
 * An encoded frame in two parts: {@code head} (header and fixed fields) and {@code payload} (the
 * data of Rread/Twrite, not copied by the encoder; empty for other messages). Write both, in
 * order, with one gathering write; {@link #size()} is the frame's size field.
 */
public record EncodedFrame(ByteBuffer head, ByteBuffer payload) {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    static EncodedFrame of(ByteBuffer head) {
        return new EncodedFrame(head, EMPTY);
    }

    public int size() {
        return head.remaining() + payload.remaining();
    }

    /** Both parts as a fresh array for {@code GatheringByteChannel.write}. */
    public ByteBuffer[] buffers() {
        return new ByteBuffer[] {head.duplicate(), payload.duplicate()};
    }

    /** Copies the whole frame into {@code dst} (one copy of the payload). */
    public void copyTo(ByteBuffer dst) {
        dst.put(head.duplicate()).put(payload.duplicate());
    }

    /** The whole frame in one new buffer. */
    public ByteBuffer toBuffer() {
        ByteBuffer b = ByteBuffer.allocate(size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        copyTo(b);
        return b.flip();
    }
}

package io.hvl9p.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Splits a byte stream into 9P frames, whatever pieces the bytes arrive in (one byte at a time
 * works). State is explicit: reading the 4-byte size, then the rest of the frame. A size below 7
 * or above the limit cannot be resynchronised, so it is a {@link MalformedMessageException} and
 * the stream must be closed.
 */
public final class FrameDecoder {
    private enum State {
        SIZE,
        BODY
    }

    private final ByteBuffer sizeBuf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private volatile int maxFrameSize;
    private State state = State.SIZE;
    private ByteBuffer frame;

    public FrameDecoder(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    /** Lowers or raises the limit (after version negotiation). */
    public void maxFrameSize(int max) {
        this.maxFrameSize = max;
    }

    /** Whether a frame is partly read. */
    public boolean inFrame() {
        return state == State.BODY || sizeBuf.position() > 0;
    }

    /**
     * Consumes all of {@code in}; calls {@code out} with each complete frame (a new buffer the
     * consumer owns, positioned at 0 and holding exactly the frame).
     */
    public void feed(ByteBuffer in, Consumer<ByteBuffer> out) {
        while (in.hasRemaining()) {
            switch (state) {
                case SIZE -> {
                    while (in.hasRemaining() && sizeBuf.hasRemaining()) {
                        sizeBuf.put(in.get());
                    }
                    if (!sizeBuf.hasRemaining()) {
                        long size = Integer.toUnsignedLong(sizeBuf.getInt(0));
                        if (size < MiscConstants.HEADER_SIZE || size > Integer.toUnsignedLong(maxFrameSize)) {
                            throw new MalformedMessageException("frame size " + size + " (expected: 7.."
                                    + Integer.toUnsignedString(maxFrameSize) + ")");
                        }
                        frame = ByteBuffer.allocate((int) size);
                        frame.put(sizeBuf.flip());
                        sizeBuf.clear();
                        state = State.BODY;
                    }
                }
                case BODY -> {
                    int n = Math.min(in.remaining(), frame.remaining());
                    frame.put(frame.position(), in, in.position(), n);
                    frame.position(frame.position() + n);
                    in.position(in.position() + n);
                    if (!frame.hasRemaining()) {
                        ByteBuffer done = frame.flip();
                        frame = null;
                        state = State.SIZE;
                        out.accept(done);
                    }
                }
            }
        }
    }
}

package io.hvl9p.protocol.client;

import io.hvl9p.protocol.EncodedFrame;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A bidirectional channel of whole 9P frames. */
public interface FrameChannel extends Closeable {
    /** Sends one frame; may be called from several threads at once (frames are not interleaved). */
    void send(EncodedFrame frame) throws IOException;

    /**
     * Blocks until the next whole frame arrives; returns {@code null} at end of stream. Called by
     * one thread only.
     */
    ByteBuffer receive() throws IOException;

    /** Sets the largest frame accepted from now on. */
    void maxFrameSize(int max);
}

package io.hvl9p.server;

import io.hvl9p.protocol.EncodedFrame;
import java.io.IOException;

/**
 * Where a connection's replies go. Called from worker threads, possibly several at once: an
 * implementation writes each frame whole and in one piece (a stream transport serialises writes).
 */
@FunctionalInterface
public interface FrameSink {
    /** Sends one reply; an IOException means the peer is gone and the connection is closed. */
    void send(EncodedFrame frame) throws IOException;

    /**
     * The request with {@code tag} ended without a reply: it was flushed before it ran, or its
     * reply was suppressed by Tversion or close. A stream transport has nothing to do; a virtio
     * transport must still return the request's buffers to the driver.
     */
    default void dropped(int tag) {}
}

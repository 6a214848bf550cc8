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
}

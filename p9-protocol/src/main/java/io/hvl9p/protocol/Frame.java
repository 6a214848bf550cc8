package io.hvl9p.protocol;

import java.util.Objects;

/**
 * A message with its tag: what travels in one 9P frame.
 *
 * @param tag 0..65535; {@link MiscConstants#NOTAG} for Tversion
 */
public record Frame<M extends Message>(int tag, M message) {
    public Frame {
        Objects.requireNonNull(message);
        if ((tag & ~0xffff) != 0) {
            throw new IllegalArgumentException("tag " + tag + " (expected: 0..65535)");
        }
    }
}

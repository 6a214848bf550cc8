package io.hvl9p.transport.violation;

import io.hvl9p.protocol.Errno;

/** A deliberate violation (test code only): transport must not know 9P. */
public final class Uses9p {
    private Uses9p() {}

    public static String name() {
        return Errno.name(Errno.ENOENT);
    }
}

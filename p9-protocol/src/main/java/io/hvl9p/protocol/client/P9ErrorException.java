package io.hvl9p.protocol.client;

import io.hvl9p.protocol.Errno;
import java.io.IOException;

/** The server answered with {@code Rlerror}: carries the Linux errno. */
public final class P9ErrorException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public P9ErrorException(String request, int errno) {
        super(request + ": " + Errno.name(errno) + " (" + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}

package io.hvl9p.server.spi;

import io.hvl9p.protocol.Errno;

/**
 * A request the backend refuses, with the Linux errno number the client gets in Rlerror. This is
 * the only exception type a backend throws on purpose (a refusal, not a bug: it carries no stack
 * trace, which would cost more than the system call that failed); the one place that turns exceptions into
 * errno values is {@code io.hvl9p.server.session.Errors}.
 */
public class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public BackendException(int errno, String message) {
        super(message + ": " + Errno.name(errno), null, false, false);
        this.errno = errno;
    }

    /** For subclasses whose message already names the errno. */
    protected BackendException(int errno, String message, boolean messageComplete) {
        super(messageComplete ? message : message + ": " + Errno.name(errno), null, false, false);
        this.errno = errno;
    }

    public BackendException(int errno) {
        super(Errno.name(errno), null, false, false);
        this.errno = errno;
    }

    /** The Linux errno number. */
    public int errno() {
        return errno;
    }
}

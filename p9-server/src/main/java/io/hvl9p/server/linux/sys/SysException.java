package io.hvl9p.server.linux.sys;

import io.hvl9p.protocol.Errno;
import io.hvl9p.server.spi.BackendException;

/**
 * A system call failed. The one exception type of {@link Sys}: unchecked, because every call can fail
 * and callers map the errno to a 9P {@code Rlerror} at one place instead of at every call site.
 *
 * <p>The message names the call and its main argument, e.g. {@code openat("foo"): ENOENT (2)}.
 */
public final class SysException extends BackendException {
    private static final long serialVersionUID = 1L;

    private final String call;

    /**
     * @param call the call and its main argument, e.g. {@code openat("foo")}
     * @param errno the Linux errno number
     */
    public SysException(String call, int errno) {
        super(errno, call + ": " + Errno.name(errno) + " (" + errno + ")", true);
        this.call = call;
    }

    /** The call and its main argument as in the message, e.g. {@code openat("foo")}. */
    public String call() {
        return call;
    }
}

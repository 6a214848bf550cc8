package io.hvl9p.server.session;

import io.hvl9p.protocol.Errno;
import io.hvl9p.server.spi.BackendException;
import java.lang.System.Logger.Level;

/** The one place that turns what a handler threw into the errno of an Rlerror. */
final class Errors {
    private static final System.Logger LOG = System.getLogger(Errors.class.getName());

    private Errors() {}

    static int errno(Throwable t, String peer, Object request) {
        if (t instanceof BackendException b) {
            return b.errno();
        }
        if (t instanceof UnsupportedOperationException) {
            return Errno.EOPNOTSUPP;
        }
        if (t instanceof OutOfMemoryError) {
            LOG.log(Level.ERROR, peer + ": out of memory handling " + request);
            return Errno.ENOMEM;
        }
        // A bug, not a refusal: the client gets EIO and the session goes on.
        LOG.log(Level.ERROR, peer + ": unexpected failure handling " + request, t);
        return Errno.EIO;
    }
}

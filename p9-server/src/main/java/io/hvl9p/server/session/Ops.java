package io.hvl9p.server.session;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.server.spi.BackendException;

/** What every group of handlers shares: the session and the fid-state checks. */
abstract class Ops {
    final Session session;

    Ops(Session session) {
        this.session = session;
    }

    FidTable.Lease use(Fid fid) {
        return session.fids().use(fid);
    }

    /** The fid's path state; EBADF for an xattr fid. */
    static FidState.PathFid path(FidTable.Lease lease) {
        if (lease.state() instanceof FidState.PathFid p) {
            return p;
        }
        throw new BackendException(Errno.EBADF, "not a file fid");
    }

    /** A path fid that is not opened (walk targets, create directories). */
    static FidState.PathFid unopened(FidTable.Lease lease) {
        FidState.PathFid p = path(lease);
        if (p.opened()) {
            throw new BackendException(Errno.EINVAL, "fid is open");
        }
        return p;
    }

    /** An opened path fid. */
    static FidState.PathFid opened(FidTable.Lease lease) {
        FidState.PathFid p = path(lease);
        if (!p.opened()) {
            throw new BackendException(Errno.EBADF, "fid not open");
        }
        return p;
    }
}

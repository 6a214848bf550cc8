package io.hvl9p.server.session;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.LockConstants;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.LockResult;

/**
 * Byte-range locks on the host (Linux OFD locks, owned by the fid's open file). A conflict is
 * answered BLOCKED at once, also for a blocking request: the Linux client retries BLOCKED for
 * F_SETLKW, and a worker thread never waits on a lock.
 */
final class LockOps extends Ops {
    LockOps(Session session) {
        super(session);
    }

    RMessage lock(TMessage.Tlock m) {
        checkType(m.lockType());
        checkRange(m.start(), m.length());
        try (FidTable.Lease lease = use(m.fid())) {
            int status = opened(lease).file().lock(m.lockType(), m.start(), m.length());
            return new RMessage.Rlock(status);
        }
    }

    RMessage getlock(TMessage.Tgetlock m) {
        checkType(m.lockType());
        checkRange(m.start(), m.length());
        try (FidTable.Lease lease = use(m.fid())) {
            LockResult r = opened(lease)
                    .file()
                    .getlock(
                            m.lockType(),
                            m.start(),
                            m.length(),
                            m.procId(),
                            m.clientId().bytes());
            return new RMessage.Rgetlock(r.type(), r.start(), r.length(), r.procId(), P9String.of(r.clientId()));
        }
    }

    private static void checkType(int type) {
        if (type != LockConstants.TYPE_RDLCK && type != LockConstants.TYPE_WRLCK && type != LockConstants.TYPE_UNLCK) {
            throw new BackendException(Errno.EINVAL, "lock type " + type);
        }
    }

    private static void checkRange(long start, long length) {
        if (start < 0 || length < 0 || (length > 0 && start + length < 0)) {
            throw new BackendException(Errno.EINVAL, "lock range " + start + "+" + length);
        }
    }
}

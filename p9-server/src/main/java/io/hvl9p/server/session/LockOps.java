package io.hvl9p.server.session;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.LockConstants;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.LockResult;
import io.hvl9p.server.spi.OpenFile;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * Byte-range locks on the host (Linux OFD locks, owned by the fid's open file). A conflict is
 * answered BLOCKED, never anything the client does not know. For a blocking request (F_SETLKW)
 * the server first retries for a while itself: the Linux client sleeps {@code
 * session_lock_timeout} (30 s) before it asks again after BLOCKED, so a waiter would otherwise get
 * a lock released after 10 ms only 30 s later. Such waits are bounded in time and in number (half
 * the workers), so waiting locks can never take every worker; a Tflush ends the wait.
 */
final class LockOps extends Ops {
    private static final long FIRST_RETRY_NANOS = 1_000_000L;
    private static final long MAX_RETRY_NANOS = 50_000_000L;

    private final Semaphore waiters;
    private final long maxWaitNanos;

    LockOps(Session session) {
        super(session);
        this.waiters = session.config().lockWaiters();
        this.maxWaitNanos = session.config().lockWait().toNanos();
    }

    RMessage lock(TMessage.Tlock m) {
        checkType(m.lockType());
        checkRange(m.start(), m.length());
        try (FidTable.Lease lease = use(m.fid())) {
            OpenFile f = opened(lease).file();
            int status = f.lock(m.lockType(), m.start(), m.length());
            if (status == LockConstants.STATUS_BLOCKED
                    && (m.flags() & LockConstants.FLAG_BLOCK) != 0
                    && maxWaitNanos > 0
                    && waiters.tryAcquire()) {
                try {
                    status = waitFor(f, m);
                } finally {
                    waiters.release();
                }
            }
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

    private int waitFor(OpenFile f, TMessage.Tlock m) {
        long deadline = System.nanoTime() + maxWaitNanos;
        long pause = FIRST_RETRY_NANOS;
        int status = LockConstants.STATUS_BLOCKED;
        while (status == LockConstants.STATUS_BLOCKED && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(pause);
            if (Session.cancelled()) {
                // Tflush: the client gave up; it discards this reply.
                throw new BackendException(Errno.EINTR, "lock wait flushed");
            }
            pause = Math.min(pause * 2, MAX_RETRY_NANOS);
            status = f.lock(m.lockType(), m.start(), m.length());
        }
        return status;
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

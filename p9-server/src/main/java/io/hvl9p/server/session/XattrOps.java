package io.hvl9p.server.session;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.spi.BackendException;
import java.nio.ByteBuffer;

/**
 * Extended attributes the 9P2000.L way: Txattrwalk makes a fid whose Treads return the value (or
 * the list of names for an empty name); Txattrcreate turns a fid into one that Twrites fill and
 * Tclunk commits; a size of 0 removes the attribute.
 */
final class XattrOps extends Ops {
    /** Linux's XATTR_SIZE_MAX. */
    static final int MAX_VALUE = 65536;

    XattrOps(Session session) {
        super(session);
    }

    RMessage xattrwalk(TMessage.Txattrwalk m) {
        if (m.fid().equals(m.newfid())) {
            throw new BackendException(Errno.EINVAL, "xattrwalk into the same fid");
        }
        try (FidTable.Lease lease = use(m.fid())) {
            FidState.PathFid p = path(lease);
            if (session.fids().contains(m.newfid())) {
                throw new BackendException(Errno.EINVAL, "newfid " + m.newfid() + " in use");
            }
            byte[] value = m.name().isEmpty() ? p.node().listxattr() : p.node().getxattr(m.name());
            session.fids().add(m.newfid(), new FidState.XattrRead(value));
            return new RMessage.Rxattrwalk(value.length);
        }
    }

    RMessage xattrcreate(TMessage.Txattrcreate m) {
        int flags = m.flags();
        if ((flags & ~(MiscConstants.XATTR_CREATE | MiscConstants.XATTR_REPLACE)) != 0
                || flags == (MiscConstants.XATTR_CREATE | MiscConstants.XATTR_REPLACE)) {
            throw new BackendException(Errno.EINVAL, "xattrcreate flags " + flags);
        }
        if (m.attrSize() < 0 || m.attrSize() > MAX_VALUE) {
            throw new BackendException(Errno.E2BIG, "xattr size " + Long.toUnsignedString(m.attrSize()));
        }
        if (m.name().isEmpty()) {
            throw new BackendException(Errno.EINVAL, "empty xattr name");
        }
        try (FidTable.Lease lease = use(m.fid())) {
            FidState.PathFid p = unopened(lease);
            FidState.XattrWrite x = new FidState.XattrWrite(p.node(), m.name().bytes(), m.attrSize(), flags);
            // The node moves to the xattr state: nothing is retired, nothing closed twice.
            if (!lease.replace(p, x, null)) {
                throw new BackendException(Errno.EINVAL, "fid changed by a concurrent request");
            }
            return new RMessage.Rxattrcreate();
        }
    }

    /** Twrite on an xattr fid: data arrives in order and may not exceed the announced size. */
    static int append(FidState.XattrWrite x, long offset, ByteBuffer data) {
        synchronized (x) {
            if (offset != x.data.size()) {
                throw new BackendException(Errno.EINVAL, "xattr written out of order");
            }
            int n = data.remaining();
            if (x.data.size() + (long) n > x.size) {
                throw new BackendException(Errno.ENOSPC, "xattr value longer than announced");
            }
            byte[] b = new byte[n];
            data.duplicate().get(b);
            x.data.writeBytes(b);
            return n;
        }
    }

    /** Tclunk on an xattr fid: sets (or, for size 0, removes) the attribute; EINVAL if the value is short. */
    static void commit(FidState.XattrWrite x) {
        byte[] value;
        synchronized (x) {
            if (x.data.size() != x.size) {
                throw new BackendException(
                        Errno.EINVAL, "xattr value has " + x.data.size() + " bytes, " + x.size + " announced");
            }
            value = x.data.toByteArray();
        }
        x.node.setxattr(io.hvl9p.protocol.P9String.of(x.name), x.size == 0 ? null : value, x.flags);
    }
}

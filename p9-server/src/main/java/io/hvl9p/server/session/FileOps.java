package io.hvl9p.server.session;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.Node;
import io.hvl9p.server.spi.OpenFile;
import java.nio.ByteBuffer;

/** Opening, creating, reading, writing, syncing, clunking and removing. */
final class FileOps extends Ops {
    FileOps(Session session) {
        super(session);
    }

    RMessage lopen(TMessage.Tlopen m) {
        try (FidTable.Lease lease = use(m.fid())) {
            FidState.PathFid p = unopened(lease);
            OpenFile f = p.node().open(m.flags());
            if (!lease.replace(p, p.withFile(f, m.flags()), null)) {
                f.close();
                throw new BackendException(Errno.EINVAL, "fid opened by a concurrent request");
            }
            return new RMessage.Rlopen(p.node().qid(), 0);
        }
    }

    RMessage lcreate(TMessage.Tlcreate m) {
        try (FidTable.Lease lease = use(m.fid())) {
            FidState.PathFid dir = unopened(lease);
            Node.Created c = dir.node().create(m.name(), m.flags(), m.mode(), m.gid());
            FidState.PathFid created = new FidState.PathFid(c.node(), c.file(), m.flags(), dir.who(), dir.export());
            // The fid now stands for the new file; the directory's node is released when no
            // other request uses it.
            if (!lease.replace(dir, created, new FidState.PathFid(dir.node(), dir.who(), dir.export()))) {
                created.release();
                throw new BackendException(Errno.EINVAL, "fid changed by a concurrent request");
            }
            return new RMessage.Rlcreate(c.node().qid(), 0);
        }
    }

    RMessage read(TMessage.Tread m) {
        int count = (int) Math.min(Integer.toUnsignedLong(m.count()), session.maxPayload());
        if (m.offset() < 0) {
            throw new BackendException(Errno.EINVAL, "negative offset");
        }
        try (FidTable.Lease lease = use(m.fid())) {
            if (lease.state() instanceof FidState.XattrRead x) {
                byte[] v = x.value();
                if (m.offset() >= v.length) {
                    return new RMessage.Rread(ByteBuffer.allocate(0));
                }
                int n = (int) Math.min(count, v.length - m.offset());
                return new RMessage.Rread(
                        ByteBuffer.wrap(v, (int) m.offset(), n).slice());
            }
            FidState.PathFid p = opened(lease);
            if (OpenFlags.accessMode(p.openFlags()) == OpenFlags.WRONLY) {
                throw new BackendException(Errno.EBADF, "not open for reading");
            }
            ByteBuffer buf = ScratchBuffers.forRead(count);
            p.file().read(m.offset(), buf);
            return new RMessage.Rread(buf.flip());
        }
    }

    RMessage write(TMessage.Twrite m) {
        if (m.offset() < 0) {
            throw new BackendException(Errno.EINVAL, "negative offset");
        }
        try (FidTable.Lease lease = use(m.fid())) {
            if (lease.state() instanceof FidState.XattrWrite x) {
                return new RMessage.Rwrite(XattrOps.append(x, m.offset(), m.data()));
            }
            FidState.PathFid p = opened(lease);
            if (OpenFlags.accessMode(p.openFlags()) == OpenFlags.RDONLY) {
                throw new BackendException(Errno.EBADF, "not open for writing");
            }
            return new RMessage.Rwrite(p.file().write(m.offset(), m.data().duplicate()));
        }
    }

    RMessage fsync(TMessage.Tfsync m) {
        try (FidTable.Lease lease = use(m.fid())) {
            opened(lease).file().fsync(m.datasync() != 0);
            return new RMessage.Rfsync();
        }
    }

    RMessage clunk(TMessage.Tclunk m) {
        BackendException commit = null;
        try (FidTable.Lease lease = use(m.fid())) {
            if (lease.state() instanceof FidState.XattrWrite x) {
                try {
                    XattrOps.commit(x);
                } catch (BackendException e) {
                    commit = e;
                }
            }
        }
        session.fids().remove(m.fid());
        if (commit != null) {
            throw commit;
        }
        return new RMessage.Rclunk();
    }

    RMessage remove(TMessage.Tremove m) {
        try {
            try (FidTable.Lease lease = use(m.fid())) {
                path(lease).node().remove();
            }
        } finally {
            // Tremove clunks the fid whether or not the removal worked.
            try {
                session.fids().remove(m.fid());
            } catch (BackendException ignored) {
                // the fid was unknown: the lease above already reported EBADF
            }
        }
        return new RMessage.Rremove();
    }
}

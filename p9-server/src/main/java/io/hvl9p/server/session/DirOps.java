package io.hvl9p.server.session;

import io.hvl9p.protocol.Dirent;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.spi.BackendException;
import java.util.ArrayList;
import java.util.List;

/** Directory operations: make, link, rename, unlink, list. */
final class DirOps extends Ops {
    /** A dirent's fixed part: qid[13] offset[8] type[1] name-length[2]. */
    private static final int DIRENT_FIXED = 24;

    DirOps(Session session) {
        super(session);
    }

    RMessage mkdir(TMessage.Tmkdir m) {
        try (FidTable.Lease d = use(m.dfid())) {
            return new RMessage.Rmkdir(path(d).node().mkdir(m.name(), m.mode() & 07777, m.gid()));
        }
    }

    RMessage symlink(TMessage.Tsymlink m) {
        try (FidTable.Lease d = use(m.fid())) {
            return new RMessage.Rsymlink(path(d).node().symlink(m.name(), m.symtgt(), m.gid()));
        }
    }

    RMessage mknod(TMessage.Tmknod m) {
        try (FidTable.Lease d = use(m.dfid())) {
            return new RMessage.Rmknod(path(d).node().mknod(m.name(), m.mode(), m.major(), m.minor(), m.gid()));
        }
    }

    RMessage link(TMessage.Tlink m) {
        try (FidTable.Lease d = use(m.dfid());
                FidTable.Lease f = use(m.fid())) {
            FidState.PathFid dir = path(d);
            FidState.PathFid target = path(f);
            sameExport(dir, target);
            dir.node().link(m.name(), target.node());
            return new RMessage.Rlink();
        }
    }

    RMessage renameat(TMessage.Trenameat m) {
        try (FidTable.Lease o = use(m.olddirfid());
                FidTable.Lease n = use(m.newdirfid())) {
            FidState.PathFid from = path(o);
            FidState.PathFid to = path(n);
            sameExport(from, to);
            from.node().renameat(m.oldname(), to.node(), m.newname());
            return new RMessage.Rrenameat();
        }
    }

    RMessage rename(TMessage.Trename m) {
        try (FidTable.Lease f = use(m.fid());
                FidTable.Lease d = use(m.dfid())) {
            FidState.PathFid file = path(f);
            FidState.PathFid dir = path(d);
            sameExport(file, dir);
            file.node().rename(dir.node(), m.name());
            return new RMessage.Rrename();
        }
    }

    RMessage unlinkat(TMessage.Tunlinkat m) {
        if (m.flags() != 0 && m.flags() != MiscConstants.AT_REMOVEDIR) {
            throw new BackendException(Errno.EINVAL, "unlinkat flags " + Integer.toHexString(m.flags()));
        }
        try (FidTable.Lease d = use(m.dirfid())) {
            path(d).node().unlinkat(m.name(), m.flags());
            return new RMessage.Runlinkat();
        }
    }

    RMessage readdir(TMessage.Treaddir m) {
        int room = (int) Math.min(Integer.toUnsignedLong(m.count()), session.maxPayload());
        try (FidTable.Lease lease = use(m.fid())) {
            FidState.PathFid p = opened(lease);
            List<Dirent> out = new ArrayList<>();
            int[] used = {0};
            boolean[] refused = {false};
            p.file().readdir(m.offset(), (qid, next, type, name) -> {
                int size = DIRENT_FIXED + name.length;
                if (used[0] + size > room) {
                    refused[0] = true;
                    return false;
                }
                used[0] += size;
                out.add(new Dirent(qid, next, type, P9Name.of(name)));
                return true;
            });
            if (out.isEmpty() && refused[0]) {
                // An empty reply means end of directory: never send it when an entry is left.
                throw new BackendException(
                        Errno.EINVAL, "readdir count " + m.count() + " too small for the next entry");
            }
            return new RMessage.Rreaddir(out);
        }
    }

    /** Links and renames never cross exports, even when both lie on one host file system. */
    private static void sameExport(FidState.PathFid a, FidState.PathFid b) {
        if (!a.export().equals(b.export()) || !a.node().sameBackend(b.node())) {
            throw new BackendException(Errno.EXDEV, "across exports");
        }
    }
}

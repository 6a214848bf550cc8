package io.hvl9p.server.session;

import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.spi.Attr;
import io.hvl9p.server.spi.FsStat;
import io.hvl9p.server.spi.SetAttr;

/** Attributes: getattr, setattr, statfs, readlink. */
final class AttrOps extends Ops {
    AttrOps(Session session) {
        super(session);
    }

    RMessage getattr(TMessage.Tgetattr m) {
        try (FidTable.Lease lease = use(m.fid())) {
            Attr a = path(lease).node().getattr(m.requestMask());
            return new RMessage.Rgetattr(
                    a.valid(),
                    a.qid(),
                    a.mode(),
                    a.uid(),
                    a.gid(),
                    a.nlink(),
                    a.rdev(),
                    a.size(),
                    blksize(),
                    a.blocks(),
                    a.atimeSec(),
                    a.atimeNsec(),
                    a.mtimeSec(),
                    a.mtimeNsec(),
                    a.ctimeSec(),
                    a.ctimeNsec(),
                    a.btimeSec(),
                    a.btimeNsec(),
                    a.gen(),
                    a.dataVersion());
        }
    }

    /**
     * st_blksize is what programs such as cat use as their read size, so it follows the msize
     * (as QEMU does since 6.2): the largest multiple of 4 KiB that fits in one Tread, or the whole
     * payload when not even 4 KiB fits (QEMU's get_iounit falls back the same way).
     */
    private long blksize() {
        int io = session.msize() - MiscConstants.IOHDRSZ;
        return io >= 4096 ? (io / 4096) * 4096L : io;
    }

    RMessage setattr(TMessage.Tsetattr m) {
        try (FidTable.Lease lease = use(m.fid())) {
            path(lease)
                    .node()
                    .setattr(new SetAttr(
                            m.valid(),
                            m.mode() & 07777, // the client may send file-type bits (diod protocol.md)
                            m.uid(),
                            m.gid(),
                            m.size(),
                            m.atimeSec(),
                            m.atimeNsec(),
                            m.mtimeSec(),
                            m.mtimeNsec()));
            return new RMessage.Rsetattr();
        }
    }

    RMessage statfs(TMessage.Tstatfs m) {
        try (FidTable.Lease lease = use(m.fid())) {
            FsStat s = path(lease).node().statfs();
            return new RMessage.Rstatfs(
                    s.type(),
                    s.bsize(),
                    s.blocks(),
                    s.bfree(),
                    s.bavail(),
                    s.files(),
                    s.ffree(),
                    s.fsid(),
                    s.namelen());
        }
    }

    RMessage readlink(TMessage.Treadlink m) {
        try (FidTable.Lease lease = use(m.fid())) {
            return new RMessage.Rreadlink(path(lease).node().readlink());
        }
    }
}

package io.hvl9p.protocol;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/** Replies of 9P2000.L, one record per message, fields in wire order. */
public sealed interface RMessage extends Message {

    record Rlerror(int ecode) implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RLERROR;
        }

        @Override
        public String toString() {
            return "Rlerror[" + Errno.name(ecode) + "]";
        }
    }

    record Rversion(int msize, P9String version) implements RMessage {
        public Rversion {
            Objects.requireNonNull(version);
        }

        @Override
        public MessageType type() {
            return MessageType.RVERSION;
        }
    }

    record Rauth(Qid aqid) implements RMessage {
        public Rauth {
            Objects.requireNonNull(aqid);
        }

        @Override
        public MessageType type() {
            return MessageType.RAUTH;
        }
    }

    record Rattach(Qid qid) implements RMessage {
        public Rattach {
            Objects.requireNonNull(qid);
        }

        @Override
        public MessageType type() {
            return MessageType.RATTACH;
        }
    }

    record Rflush() implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RFLUSH;
        }
    }

    record Rwalk(List<Qid> qids) implements RMessage {
        public Rwalk {
            qids = List.copyOf(qids);
            if (qids.size() > MiscConstants.MAXWELEM) {
                throw new IllegalArgumentException("nwqid " + qids.size() + " (expected: <= 16)");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.RWALK;
        }
    }

    /** Read reply; {@code data} is a view from position to limit (not copied by the encoder's gather path). */
    record Rread(ByteBuffer data) implements RMessage {
        public Rread {
            data = data.slice();
        }

        public int count() {
            return data.remaining();
        }

        @Override
        public MessageType type() {
            return MessageType.RREAD;
        }
    }

    record Rwrite(int count) implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RWRITE;
        }
    }

    record Rclunk() implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RCLUNK;
        }
    }

    record Rremove() implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RREMOVE;
        }
    }

    record Rstatfs(
            int fsType, int bsize, long blocks, long bfree, long bavail, long files, long ffree, long fsid, int namelen)
            implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RSTATFS;
        }
    }

    record Rlopen(Qid qid, int iounit) implements RMessage {
        public Rlopen {
            Objects.requireNonNull(qid);
        }

        @Override
        public MessageType type() {
            return MessageType.RLOPEN;
        }
    }

    record Rlcreate(Qid qid, int iounit) implements RMessage {
        public Rlcreate {
            Objects.requireNonNull(qid);
        }

        @Override
        public MessageType type() {
            return MessageType.RLCREATE;
        }
    }

    record Rsymlink(Qid qid) implements RMessage {
        public Rsymlink {
            Objects.requireNonNull(qid);
        }

        @Override
        public MessageType type() {
            return MessageType.RSYMLINK;
        }
    }

    record Rmknod(Qid qid) implements RMessage {
        public Rmknod {
            Objects.requireNonNull(qid);
        }

        @Override
        public MessageType type() {
            return MessageType.RMKNOD;
        }
    }

    record Rrename() implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RRENAME;
        }
    }

    record Rreadlink(P9String target) implements RMessage {
        public Rreadlink {
            Objects.requireNonNull(target);
        }

        @Override
        public MessageType type() {
            return MessageType.RREADLINK;
        }
    }

    record Rgetattr(
            long valid,
            Qid qid,
            int mode,
            int uid,
            int gid,
            long nlink,
            long rdev,
            long size,
            long blksize,
            long blocks,
            long atimeSec,
            long atimeNsec,
            long mtimeSec,
            long mtimeNsec,
            long ctimeSec,
            long ctimeNsec,
            long btimeSec,
            long btimeNsec,
            long gen,
            long dataVersion)
            implements RMessage {
        public Rgetattr {
            Objects.requireNonNull(qid);
        }

        @Override
        public MessageType type() {
            return MessageType.RGETATTR;
        }
    }

    record Rsetattr() implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RSETATTR;
        }
    }

    record Rxattrwalk(long size) implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RXATTRWALK;
        }
    }

    record Rxattrcreate() implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RXATTRCREATE;
        }
    }

    record Rreaddir(List<Dirent> entries) implements RMessage {
        public Rreaddir {
            entries = List.copyOf(entries);
        }

        /** The encoded size of the entries (the {@code count} field). */
        public int count() {
            int n = 0;
            for (Dirent d : entries) {
                n += d.encodedSize();
            }
            return n;
        }

        @Override
        public MessageType type() {
            return MessageType.RREADDIR;
        }
    }

    record Rfsync() implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RFSYNC;
        }
    }

    /** Lock reply; {@code status} is one of the four {@link LockConstants} statuses. */
    record Rlock(int status) implements RMessage {
        public Rlock {
            if (status < LockConstants.STATUS_SUCCESS || status > LockConstants.STATUS_GRACE) {
                throw new IllegalArgumentException("lock status " + status + " (expected: 0..3)");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.RLOCK;
        }
    }

    record Rgetlock(int lockType, long start, long length, int procId, P9String clientId) implements RMessage {
        public Rgetlock {
            Objects.requireNonNull(clientId);
            if ((lockType & ~0xff) != 0) {
                throw new IllegalArgumentException("lock type " + lockType + " (expected: 0..255)");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.RGETLOCK;
        }
    }

    record Rlink() implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RLINK;
        }
    }

    record Rmkdir(Qid qid) implements RMessage {
        public Rmkdir {
            Objects.requireNonNull(qid);
        }

        @Override
        public MessageType type() {
            return MessageType.RMKDIR;
        }
    }

    record Rrenameat() implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RRENAMEAT;
        }
    }

    record Runlinkat() implements RMessage {
        @Override
        public MessageType type() {
            return MessageType.RUNLINKAT;
        }
    }
}

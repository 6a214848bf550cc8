package io.hvl9p.protocol;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Requests of 9P2000.L, one record per message, fields in wire order and named as in the Linux
 * client ({@code net/9p/client.c}). Unsigned 32-bit fields are Java {@code int}s compared
 * unsigned; 64-bit ones {@code long}s.
 */
public sealed interface TMessage extends Message {

    /** {@code size[4] Tversion tag[2] msize[4] version[s]}; tag should be NOTAG, any is tolerated. */
    record Tversion(int msize, P9String version) implements TMessage {
        public Tversion {
            Objects.requireNonNull(version);
        }

        @Override
        public MessageType type() {
            return MessageType.TVERSION;
        }
    }

    record Tauth(Fid afid, P9String uname, P9String aname, int nUname) implements TMessage {
        public Tauth {
            Objects.requireNonNull(afid);
            Objects.requireNonNull(uname);
            Objects.requireNonNull(aname);
        }

        @Override
        public MessageType type() {
            return MessageType.TAUTH;
        }
    }

    record Tattach(Fid fid, Fid afid, P9String uname, P9String aname, int nUname) implements TMessage {
        public Tattach {
            Objects.requireNonNull(fid);
            Objects.requireNonNull(afid);
            Objects.requireNonNull(uname);
            Objects.requireNonNull(aname);
        }

        @Override
        public MessageType type() {
            return MessageType.TATTACH;
        }
    }

    record Tflush(int oldtag) implements TMessage {
        public Tflush {
            if ((oldtag & ~0xffff) != 0) {
                throw new IllegalArgumentException("oldtag " + oldtag + " (expected: 0..65535)");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.TFLUSH;
        }
    }

    /** Walk; {@code names} is empty for a clone, at most {@link MiscConstants#MAXWELEM} long. */
    record Twalk(Fid fid, Fid newfid, List<P9Name> names) implements TMessage {
        public Twalk {
            Objects.requireNonNull(fid);
            Objects.requireNonNull(newfid);
            names = List.copyOf(names);
            if (names.size() > MiscConstants.MAXWELEM) {
                throw new IllegalArgumentException("nwname " + names.size() + " (expected: <= 16)");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.TWALK;
        }
    }

    record Tread(Fid fid, long offset, int count) implements TMessage {
        public Tread {
            Objects.requireNonNull(fid);
        }

        @Override
        public MessageType type() {
            return MessageType.TREAD;
        }
    }

    /**
     * Write; {@code data} is a view of the bytes from position to limit. The decoder hands out a
     * view of its input (no copy): consume it before the input buffer is reused.
     */
    record Twrite(Fid fid, long offset, ByteBuffer data) implements TMessage {
        public Twrite {
            Objects.requireNonNull(fid);
            data = data.slice();
        }

        public int count() {
            return data.remaining();
        }

        @Override
        public MessageType type() {
            return MessageType.TWRITE;
        }
    }

    record Tclunk(Fid fid) implements TMessage {
        public Tclunk {
            Objects.requireNonNull(fid);
        }

        @Override
        public MessageType type() {
            return MessageType.TCLUNK;
        }
    }

    record Tremove(Fid fid) implements TMessage {
        public Tremove {
            Objects.requireNonNull(fid);
        }

        @Override
        public MessageType type() {
            return MessageType.TREMOVE;
        }
    }

    record Tstatfs(Fid fid) implements TMessage {
        public Tstatfs {
            Objects.requireNonNull(fid);
        }

        @Override
        public MessageType type() {
            return MessageType.TSTATFS;
        }
    }

    /** Open; {@code flags} are {@link OpenFlags} values. */
    record Tlopen(Fid fid, int flags) implements TMessage {
        public Tlopen {
            Objects.requireNonNull(fid);
        }

        @Override
        public MessageType type() {
            return MessageType.TLOPEN;
        }
    }

    record Tlcreate(Fid fid, P9Name name, int flags, int mode, int gid) implements TMessage {
        public Tlcreate {
            Objects.requireNonNull(fid);
            Objects.requireNonNull(name);
        }

        @Override
        public MessageType type() {
            return MessageType.TLCREATE;
        }
    }

    record Tsymlink(Fid fid, P9Name name, P9String symtgt, int gid) implements TMessage {
        public Tsymlink {
            Objects.requireNonNull(fid);
            Objects.requireNonNull(name);
            Objects.requireNonNull(symtgt);
        }

        @Override
        public MessageType type() {
            return MessageType.TSYMLINK;
        }
    }

    record Tmknod(Fid dfid, P9Name name, int mode, int major, int minor, int gid) implements TMessage {
        public Tmknod {
            Objects.requireNonNull(dfid);
            Objects.requireNonNull(name);
        }

        @Override
        public MessageType type() {
            return MessageType.TMKNOD;
        }
    }

    record Trename(Fid fid, Fid dfid, P9Name name) implements TMessage {
        public Trename {
            Objects.requireNonNull(fid);
            Objects.requireNonNull(dfid);
            Objects.requireNonNull(name);
        }

        @Override
        public MessageType type() {
            return MessageType.TRENAME;
        }
    }

    record Treadlink(Fid fid) implements TMessage {
        public Treadlink {
            Objects.requireNonNull(fid);
        }

        @Override
        public MessageType type() {
            return MessageType.TREADLINK;
        }
    }

    /** Getattr; {@code requestMask} holds {@link GetattrMask} bits. */
    record Tgetattr(Fid fid, long requestMask) implements TMessage {
        public Tgetattr {
            Objects.requireNonNull(fid);
        }

        @Override
        public MessageType type() {
            return MessageType.TGETATTR;
        }
    }

    /** Setattr; {@code valid} holds {@link SetattrValid} bits; mode may carry file-type bits. */
    record Tsetattr(
            Fid fid,
            int valid,
            int mode,
            int uid,
            int gid,
            long size,
            long atimeSec,
            long atimeNsec,
            long mtimeSec,
            long mtimeNsec)
            implements TMessage {
        public Tsetattr {
            Objects.requireNonNull(fid);
        }

        @Override
        public MessageType type() {
            return MessageType.TSETATTR;
        }
    }

    /** Xattrwalk; an empty name asks for the list of names. */
    record Txattrwalk(Fid fid, Fid newfid, P9String name) implements TMessage {
        public Txattrwalk {
            Objects.requireNonNull(fid);
            Objects.requireNonNull(newfid);
            Objects.requireNonNull(name);
        }

        @Override
        public MessageType type() {
            return MessageType.TXATTRWALK;
        }
    }

    record Txattrcreate(Fid fid, P9String name, long attrSize, int flags) implements TMessage {
        public Txattrcreate {
            Objects.requireNonNull(fid);
            Objects.requireNonNull(name);
        }

        @Override
        public MessageType type() {
            return MessageType.TXATTRCREATE;
        }
    }

    record Treaddir(Fid fid, long offset, int count) implements TMessage {
        public Treaddir {
            Objects.requireNonNull(fid);
        }

        @Override
        public MessageType type() {
            return MessageType.TREADDIR;
        }
    }

    record Tfsync(Fid fid, int datasync) implements TMessage {
        public Tfsync {
            Objects.requireNonNull(fid);
        }

        @Override
        public MessageType type() {
            return MessageType.TFSYNC;
        }
    }

    /** Lock; {@code length} 0 means to the end of the file. */
    record Tlock(Fid fid, int lockType, int flags, long start, long length, int procId, P9String clientId)
            implements TMessage {
        public Tlock {
            Objects.requireNonNull(fid);
            Objects.requireNonNull(clientId);
            if ((lockType & ~0xff) != 0) {
                throw new IllegalArgumentException("lock type " + lockType + " (expected: 0..255)");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.TLOCK;
        }
    }

    record Tgetlock(Fid fid, int lockType, long start, long length, int procId, P9String clientId) implements TMessage {
        public Tgetlock {
            Objects.requireNonNull(fid);
            Objects.requireNonNull(clientId);
            if ((lockType & ~0xff) != 0) {
                throw new IllegalArgumentException("lock type " + lockType + " (expected: 0..255)");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.TGETLOCK;
        }
    }

    record Tlink(Fid dfid, Fid fid, P9Name name) implements TMessage {
        public Tlink {
            Objects.requireNonNull(dfid);
            Objects.requireNonNull(fid);
            Objects.requireNonNull(name);
        }

        @Override
        public MessageType type() {
            return MessageType.TLINK;
        }
    }

    record Tmkdir(Fid dfid, P9Name name, int mode, int gid) implements TMessage {
        public Tmkdir {
            Objects.requireNonNull(dfid);
            Objects.requireNonNull(name);
        }

        @Override
        public MessageType type() {
            return MessageType.TMKDIR;
        }
    }

    record Trenameat(Fid olddirfid, P9Name oldname, Fid newdirfid, P9Name newname) implements TMessage {
        public Trenameat {
            Objects.requireNonNull(olddirfid);
            Objects.requireNonNull(oldname);
            Objects.requireNonNull(newdirfid);
            Objects.requireNonNull(newname);
        }

        @Override
        public MessageType type() {
            return MessageType.TRENAMEAT;
        }
    }

    /** Unlinkat; {@code flags} is 0 or {@link MiscConstants#AT_REMOVEDIR}. */
    record Tunlinkat(Fid dirfid, P9Name name, int flags) implements TMessage {
        public Tunlinkat {
            Objects.requireNonNull(dirfid);
            Objects.requireNonNull(name);
        }

        @Override
        public MessageType type() {
            return MessageType.TUNLINKAT;
        }
    }
}

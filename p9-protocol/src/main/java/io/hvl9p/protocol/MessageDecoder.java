package io.hvl9p.protocol;

import io.hvl9p.protocol.RMessage.*;
import io.hvl9p.protocol.TMessage.*;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one whole frame ({@code size[4] type[1] tag[2] body}) into a message.
 *
 * <p>The frame's {@code size} must equal the bytes given and be at most {@code msize}; every
 * count is checked against the bytes left before anything is allocated; trailing bytes are
 * refused. Anything wrong is a {@link MalformedMessageException}, carrying the tag once the header
 * was read: no other exception escapes. Twrite and Rread data are views of {@code frame}.
 */
public final class MessageDecoder {
    private MessageDecoder() {}

    /** Decodes a request. */
    public static Frame<TMessage> decodeRequest(ByteBuffer frame, int msize) {
        WireReader r = header(frame, msize);
        MessageType type = MessageType.ofCode(frameType(frame));
        if (type == null || !type.isRequest()) {
            throw r.error(Errno.EOPNOTSUPP, "not a 9P2000.L request type: " + frameType(frame));
        }
        TMessage m;
        try {
            m = request(type, r);
        } catch (IllegalArgumentException e) {
            throw r.error(Errno.EINVAL, e.getMessage());
        }
        r.end();
        return new Frame<>(r.tag(), m);
    }

    /** Decodes a reply. */
    public static Frame<RMessage> decodeReply(ByteBuffer frame, int msize) {
        WireReader r = header(frame, msize);
        MessageType type = MessageType.ofCode(frameType(frame));
        if (type == null || type.isRequest()) {
            throw r.error(Errno.EPROTO, "not a 9P2000.L reply type: " + frameType(frame));
        }
        RMessage m;
        try {
            m = reply(type, r);
        } catch (IllegalArgumentException e) {
            throw r.error(Errno.EPROTO, e.getMessage());
        }
        r.end();
        return new Frame<>(r.tag(), m);
    }

    private static int frameType(ByteBuffer frame) {
        return frame.get(frame.position() + 4) & 0xff;
    }

    private static WireReader header(ByteBuffer frame, int msize) {
        WireReader r = new WireReader(frame);
        if (r.remaining() < MiscConstants.HEADER_SIZE) {
            throw r.error(Errno.EPROTO, "frame of " + r.remaining() + " bytes (expected: >= 7)");
        }
        long size = Integer.toUnsignedLong(r.u32("size"));
        r.u8("type");
        r.tag(r.u16("tag"));
        if (size != frame.remaining()) {
            throw r.error(Errno.EPROTO, "size field " + size + " but frame has " + frame.remaining() + " bytes");
        }
        if (size > Integer.toUnsignedLong(msize)) {
            throw r.error(Errno.EMSGSIZE, "frame of " + size + " bytes (expected: <= msize " + msize + ")");
        }
        return r;
    }

    private static TMessage request(MessageType type, WireReader r) {
        return switch (type) {
            case TVERSION -> new Tversion(r.u32("msize"), r.string("version"));
            case TAUTH -> new Tauth(r.fid("afid"), r.string("uname"), r.string("aname"), r.u32("n_uname"));
            case TATTACH ->
                new Tattach(r.fid("fid"), r.fid("afid"), r.string("uname"), r.string("aname"), r.u32("n_uname"));
            case TFLUSH -> new Tflush(r.u16("oldtag"));
            case TWALK -> walk(r);
            case TREAD -> new Tread(r.fid("fid"), r.u64("offset"), r.u32("count"));
            case TWRITE -> {
                Fid fid = r.fid("fid");
                long offset = r.u64("offset");
                long count = Integer.toUnsignedLong(r.u32("count"));
                yield new Twrite(fid, offset, r.slice(count, "Twrite"));
            }
            case TCLUNK -> new Tclunk(r.fid("fid"));
            case TREMOVE -> new Tremove(r.fid("fid"));
            case TSTATFS -> new Tstatfs(r.fid("fid"));
            case TLOPEN -> new Tlopen(r.fid("fid"), r.u32("flags"));
            case TLCREATE -> new Tlcreate(r.fid("fid"), r.name("name"), r.u32("flags"), r.u32("mode"), r.u32("gid"));
            case TSYMLINK -> new Tsymlink(r.fid("fid"), r.name("name"), r.string("symtgt"), r.u32("gid"));
            case TMKNOD ->
                new Tmknod(r.fid("dfid"), r.name("name"), r.u32("mode"), r.u32("major"), r.u32("minor"), r.u32("gid"));
            case TRENAME -> new Trename(r.fid("fid"), r.fid("dfid"), r.name("name"));
            case TREADLINK -> new Treadlink(r.fid("fid"));
            case TGETATTR -> new Tgetattr(r.fid("fid"), r.u64("request_mask"));
            case TSETATTR ->
                new Tsetattr(
                        r.fid("fid"),
                        r.u32("valid"),
                        r.u32("mode"),
                        r.u32("uid"),
                        r.u32("gid"),
                        r.u64("size"),
                        r.u64("atime_sec"),
                        r.u64("atime_nsec"),
                        r.u64("mtime_sec"),
                        r.u64("mtime_nsec"));
            case TXATTRWALK -> new Txattrwalk(r.fid("fid"), r.fid("newfid"), r.string("name"));
            case TXATTRCREATE -> new Txattrcreate(r.fid("fid"), r.string("name"), r.u64("attr_size"), r.u32("flags"));
            case TREADDIR -> new Treaddir(r.fid("fid"), r.u64("offset"), r.u32("count"));
            case TFSYNC -> new Tfsync(r.fid("fid"), r.u32("datasync"));
            case TLOCK ->
                new Tlock(
                        r.fid("fid"),
                        r.u8("type"),
                        r.u32("flags"),
                        r.u64("start"),
                        r.u64("length"),
                        r.u32("proc_id"),
                        r.string("client_id"));
            case TGETLOCK ->
                new Tgetlock(
                        r.fid("fid"),
                        r.u8("type"),
                        r.u64("start"),
                        r.u64("length"),
                        r.u32("proc_id"),
                        r.string("client_id"));
            case TLINK -> new Tlink(r.fid("dfid"), r.fid("fid"), r.name("name"));
            case TMKDIR -> new Tmkdir(r.fid("dfid"), r.name("name"), r.u32("mode"), r.u32("gid"));
            case TRENAMEAT ->
                new Trenameat(r.fid("olddirfid"), r.name("oldname"), r.fid("newdirfid"), r.name("newname"));
            case TUNLINKAT -> new Tunlinkat(r.fid("dirfid"), r.name("name"), r.u32("flags"));
            default -> throw r.error(Errno.EOPNOTSUPP, "not a request: " + type);
        };
    }

    private static Twalk walk(WireReader r) {
        Fid fid = r.fid("fid");
        Fid newfid = r.fid("newfid");
        int n = r.count(r.u16("nwname"), 2, MiscConstants.MAXWELEM, "nwname");
        List<P9Name> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(r.name("wname[" + i + "]"));
        }
        return new Twalk(fid, newfid, names);
    }

    private static RMessage reply(MessageType type, WireReader r) {
        return switch (type) {
            case RLERROR -> new Rlerror(r.u32("ecode"));
            case RVERSION -> new Rversion(r.u32("msize"), r.string("version"));
            case RAUTH -> new Rauth(r.qid("aqid"));
            case RATTACH -> new Rattach(r.qid("qid"));
            case RFLUSH -> new Rflush();
            case RWALK -> {
                int n = r.count(r.u16("nwqid"), Qid.SIZE, MiscConstants.MAXWELEM, "nwqid");
                List<Qid> qids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    qids.add(r.qid("wqid[" + i + "]"));
                }
                yield new Rwalk(qids);
            }
            case RREAD -> new Rread(r.slice(Integer.toUnsignedLong(r.u32("count")), "Rread"));
            case RWRITE -> new Rwrite(r.u32("count"));
            case RCLUNK -> new Rclunk();
            case RREMOVE -> new Rremove();
            case RSTATFS ->
                new Rstatfs(
                        r.u32("type"),
                        r.u32("bsize"),
                        r.u64("blocks"),
                        r.u64("bfree"),
                        r.u64("bavail"),
                        r.u64("files"),
                        r.u64("ffree"),
                        r.u64("fsid"),
                        r.u32("namelen"));
            case RLOPEN -> new Rlopen(r.qid("qid"), r.u32("iounit"));
            case RLCREATE -> new Rlcreate(r.qid("qid"), r.u32("iounit"));
            case RSYMLINK -> new Rsymlink(r.qid("qid"));
            case RMKNOD -> new Rmknod(r.qid("qid"));
            case RRENAME -> new Rrename();
            case RREADLINK -> new Rreadlink(r.string("target"));
            case RGETATTR ->
                new Rgetattr(
                        r.u64("valid"),
                        r.qid("qid"),
                        r.u32("mode"),
                        r.u32("uid"),
                        r.u32("gid"),
                        r.u64("nlink"),
                        r.u64("rdev"),
                        r.u64("size"),
                        r.u64("blksize"),
                        r.u64("blocks"),
                        r.u64("atime_sec"),
                        r.u64("atime_nsec"),
                        r.u64("mtime_sec"),
                        r.u64("mtime_nsec"),
                        r.u64("ctime_sec"),
                        r.u64("ctime_nsec"),
                        r.u64("btime_sec"),
                        r.u64("btime_nsec"),
                        r.u64("gen"),
                        r.u64("data_version"));
            case RSETATTR -> new Rsetattr();
            case RXATTRWALK -> new Rxattrwalk(r.u64("size"));
            case RXATTRCREATE -> new Rxattrcreate();
            case RREADDIR -> readdir(r);
            case RFSYNC -> new Rfsync();
            case RLOCK -> {
                int status = r.u8("status");
                if (status > LockConstants.STATUS_GRACE) {
                    throw r.error(Errno.EPROTO, "lock status " + status + " (expected: 0..3)");
                }
                yield new Rlock(status);
            }
            case RGETLOCK ->
                new Rgetlock(r.u8("type"), r.u64("start"), r.u64("length"), r.u32("proc_id"), r.string("client_id"));
            case RLINK -> new Rlink();
            case RMKDIR -> new Rmkdir(r.qid("qid"));
            case RRENAMEAT -> new Rrenameat();
            case RUNLINKAT -> new Runlinkat();
            default -> throw r.error(Errno.EPROTO, "not a reply: " + type);
        };
    }

    private static Rreaddir readdir(WireReader r) {
        long count = Integer.toUnsignedLong(r.u32("count"));
        if (count != r.remaining()) {
            throw r.error(Errno.EPROTO, "Rreaddir count " + count + " but " + r.remaining() + " bytes follow");
        }
        List<Dirent> entries = new ArrayList<>();
        while (r.remaining() > 0) {
            Qid qid = r.qid("dirent qid");
            long offset = r.u64("dirent offset");
            int dtype = r.u8("dirent type");
            entries.add(new Dirent(qid, offset, dtype, r.name("dirent name")));
        }
        return new Rreaddir(entries);
    }
}

package io.hvl9p.protocol;

import io.hvl9p.protocol.RMessage.*;
import io.hvl9p.protocol.TMessage.*;
import java.nio.ByteBuffer;

/**
 * Encodes messages. The dispatch is an exhaustive switch over the sealed message types with no
 * default: a new message does not compile until it can be encoded.
 */
public final class MessageEncoder {
    private MessageEncoder() {}

    /** Encodes into one buffer (Rread/Twrite data copied once into it). */
    public static ByteBuffer encode(int tag, Message m) {
        return encodeGather(tag, m).toBuffer();
    }

    /** Encodes into one buffer. */
    public static ByteBuffer encode(Frame<?> frame) {
        return encode(frame.tag(), frame.message());
    }

    /** Encodes with the data of Rread/Twrite left in place as the second part. */
    public static EncodedFrame encodeGather(int tag, Message m) {
        if ((tag & ~0xffff) != 0) {
            throw new IllegalArgumentException("tag " + tag + " (expected: 0..65535)");
        }
        WireWriter w = new WireWriter(initialSize(m));
        w.u32(0).u8(m.type().code()).u16(tag);
        ByteBuffer payload = body(m, w);
        ByteBuffer head = w.finish();
        long size = (long) head.remaining() + payload.remaining();
        if (size > 0xffffffffL) {
            throw new IllegalArgumentException("frame of " + size + " bytes (expected: <= 2^32-1)");
        }
        head.putInt(0, (int) size);
        return payload.hasRemaining() ? new EncodedFrame(head, payload) : EncodedFrame.of(head);
    }

    private static int initialSize(Message m) {
        return switch (m) {
            case Rreaddir r -> 16 + r.count();
            case Rgetattr r -> 160;
            default -> 64;
        };
    }

    /** Writes the body; returns the payload that follows it (empty for most messages). */
    private static ByteBuffer body(Message m, WireWriter w) {
        switch (m) {
            case TMessage t -> {
                return request(t, w);
            }
            case RMessage r -> {
                return reply(r, w);
            }
        }
    }

    private static final ByteBuffer NONE = ByteBuffer.allocate(0);

    private static ByteBuffer request(TMessage t, WireWriter w) {
        switch (t) {
            case Tversion m -> w.u32(m.msize()).string(m.version());
            case Tauth m -> w.fid(m.afid()).string(m.uname()).string(m.aname()).u32(m.nUname());
            case Tattach m ->
                w.fid(m.fid()).fid(m.afid()).string(m.uname()).string(m.aname()).u32(m.nUname());
            case Tflush m -> w.u16(m.oldtag());
            case Twalk m -> {
                w.fid(m.fid()).fid(m.newfid()).u16(m.names().size());
                for (P9Name n : m.names()) {
                    w.name(n);
                }
            }
            case Tread m -> w.fid(m.fid()).u64(m.offset()).u32(m.count());
            case Twrite m -> {
                w.fid(m.fid()).u64(m.offset()).u32(m.data().remaining());
                return m.data();
            }
            case Tclunk m -> w.fid(m.fid());
            case Tremove m -> w.fid(m.fid());
            case Tstatfs m -> w.fid(m.fid());
            case Tlopen m -> w.fid(m.fid()).u32(m.flags());
            case Tlcreate m ->
                w.fid(m.fid()).name(m.name()).u32(m.flags()).u32(m.mode()).u32(m.gid());
            case Tsymlink m -> w.fid(m.fid()).name(m.name()).string(m.symtgt()).u32(m.gid());
            case Tmknod m ->
                w.fid(m.dfid())
                        .name(m.name())
                        .u32(m.mode())
                        .u32(m.major())
                        .u32(m.minor())
                        .u32(m.gid());
            case Trename m -> w.fid(m.fid()).fid(m.dfid()).name(m.name());
            case Treadlink m -> w.fid(m.fid());
            case Tgetattr m -> w.fid(m.fid()).u64(m.requestMask());
            case Tsetattr m ->
                w.fid(m.fid())
                        .u32(m.valid())
                        .u32(m.mode())
                        .u32(m.uid())
                        .u32(m.gid())
                        .u64(m.size())
                        .u64(m.atimeSec())
                        .u64(m.atimeNsec())
                        .u64(m.mtimeSec())
                        .u64(m.mtimeNsec());
            case Txattrwalk m -> w.fid(m.fid()).fid(m.newfid()).string(m.name());
            case Txattrcreate m ->
                w.fid(m.fid()).string(m.name()).u64(m.attrSize()).u32(m.flags());
            case Treaddir m -> w.fid(m.fid()).u64(m.offset()).u32(m.count());
            case Tfsync m -> w.fid(m.fid()).u32(m.datasync());
            case Tlock m ->
                w.fid(m.fid())
                        .u8(m.lockType())
                        .u32(m.flags())
                        .u64(m.start())
                        .u64(m.length())
                        .u32(m.procId())
                        .string(m.clientId());
            case Tgetlock m ->
                w.fid(m.fid())
                        .u8(m.lockType())
                        .u64(m.start())
                        .u64(m.length())
                        .u32(m.procId())
                        .string(m.clientId());
            case Tlink m -> w.fid(m.dfid()).fid(m.fid()).name(m.name());
            case Tmkdir m -> w.fid(m.dfid()).name(m.name()).u32(m.mode()).u32(m.gid());
            case Trenameat m ->
                w.fid(m.olddirfid()).name(m.oldname()).fid(m.newdirfid()).name(m.newname());
            case Tunlinkat m -> w.fid(m.dirfid()).name(m.name()).u32(m.flags());
        }
        return NONE;
    }

    private static ByteBuffer reply(RMessage r, WireWriter w) {
        switch (r) {
            case Rlerror m -> w.u32(m.ecode());
            case Rversion m -> w.u32(m.msize()).string(m.version());
            case Rauth m -> w.qid(m.aqid());
            case Rattach m -> w.qid(m.qid());
            case Rflush m -> {}
            case Rwalk m -> {
                w.u16(m.qids().size());
                for (Qid q : m.qids()) {
                    w.qid(q);
                }
            }
            case Rread m -> {
                w.u32(m.data().remaining());
                return m.data();
            }
            case Rwrite m -> w.u32(m.count());
            case Rclunk m -> {}
            case Rremove m -> {}
            case Rstatfs m ->
                w.u32(m.fsType())
                        .u32(m.bsize())
                        .u64(m.blocks())
                        .u64(m.bfree())
                        .u64(m.bavail())
                        .u64(m.files())
                        .u64(m.ffree())
                        .u64(m.fsid())
                        .u32(m.namelen());
            case Rlopen m -> w.qid(m.qid()).u32(m.iounit());
            case Rlcreate m -> w.qid(m.qid()).u32(m.iounit());
            case Rsymlink m -> w.qid(m.qid());
            case Rmknod m -> w.qid(m.qid());
            case Rrename m -> {}
            case Rreadlink m -> w.string(m.target());
            case Rgetattr m ->
                w.u64(m.valid())
                        .qid(m.qid())
                        .u32(m.mode())
                        .u32(m.uid())
                        .u32(m.gid())
                        .u64(m.nlink())
                        .u64(m.rdev())
                        .u64(m.size())
                        .u64(m.blksize())
                        .u64(m.blocks())
                        .u64(m.atimeSec())
                        .u64(m.atimeNsec())
                        .u64(m.mtimeSec())
                        .u64(m.mtimeNsec())
                        .u64(m.ctimeSec())
                        .u64(m.ctimeNsec())
                        .u64(m.btimeSec())
                        .u64(m.btimeNsec())
                        .u64(m.gen())
                        .u64(m.dataVersion());
            case Rsetattr m -> {}
            case Rxattrwalk m -> w.u64(m.size());
            case Rxattrcreate m -> {}
            case Rreaddir m -> {
                w.u32(m.count());
                for (Dirent d : m.entries()) {
                    w.qid(d.qid()).u64(d.offset()).u8(d.type()).name(d.name());
                }
            }
            case Rfsync m -> {}
            case Rlock m -> w.u8(m.status());
            case Rgetlock m ->
                w.u8(m.lockType())
                        .u64(m.start())
                        .u64(m.length())
                        .u32(m.procId())
                        .string(m.clientId());
            case Rlink m -> {}
            case Rmkdir m -> w.qid(m.qid());
            case Rrenameat m -> {}
            case Runlinkat m -> {}
        }
        return NONE;
    }
}

package io.hvl9p.protocol;

import io.hvl9p.protocol.RMessage.*;
import io.hvl9p.protocol.TMessage.*;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One or more sample messages of every type, with awkward values (high bits, empty, max). */
final class Vectors {
    private Vectors() {}

    static final Fid F1 = Fid.of(1);
    static final Fid F2 = Fid.of(0xfffffffe);
    static final Qid Q = new Qid(Qid.QTDIR, 0x80000001, 0xfedcba9876543210L);
    static final Qid Q2 = new Qid(Qid.QTFILE, 0, 42);

    static P9Name n(String s) {
        return P9Name.of(s);
    }

    static P9String s(String s) {
        return P9String.of(s);
    }

    static ByteBuffer data(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return ByteBuffer.wrap(b);
    }

    static List<Message> all() {
        return List.of(
                new Tversion(131096, s("9P2000.L")),
                new Rversion(8192, s("unknown")),
                new Tauth(F1, s("root"), s(""), -1),
                new Rauth(new Qid(Qid.QTAUTH, 0, 1)),
                new Tattach(F1, Fid.NOFID, s("nobody"), s("/srv/export"), 65534),
                new Rattach(Q),
                new Rlerror(Errno.ENOENT),
                new Tflush(0xfffe),
                new Rflush(),
                new Twalk(F1, F2, List.of()),
                new Twalk(F1, F2, List.of(n("a"), n(".."), n("\u00e9t\u00e9"), n("x".repeat(255)))),
                new Twalk(F1, F1, java.util.Collections.nCopies(16, n("d"))),
                new Rwalk(List.of()),
                new Rwalk(List.of(Q, Q2)),
                new Tread(F1, -1L, 0x7fffffff),
                new Rread(data(0)),
                new Rread(data(4096)),
                new Twrite(F2, 1L << 40, data(777)),
                new Rwrite(777),
                new Tclunk(F1),
                new Rclunk(),
                new Tremove(F2),
                new Rremove(),
                new Tstatfs(F1),
                new Rstatfs(0x01021997, 4096, 1L << 33, 12345, 12000, 1 << 20, 999, 0xdeadbeefL, 255),
                new Tlopen(F1, OpenFlags.RDONLY | OpenFlags.DIRECTORY | OpenFlags.LARGEFILE | OpenFlags.CLOEXEC),
                new Rlopen(Q2, 0),
                new Tlcreate(F1, n("new file"), 0x8241, 0100644, 1000),
                new Rlcreate(Q2, 131072),
                new Tsymlink(F1, n("link"), s("../../etc/passwd"), 0),
                new Rsymlink(new Qid(Qid.QTSYMLINK, 3, 77)),
                new Tmknod(F1, n("cdev"), 020644, 1, 3, 0),
                new Rmknod(Q2),
                new Trename(F1, F2, n("renamed")),
                new Rrename(),
                new Treadlink(F1),
                new Rreadlink(s("target with / slashes")),
                new Tgetattr(F1, GetattrMask.ALL),
                new Rgetattr(
                        GetattrMask.BASIC,
                        Q,
                        040755,
                        0,
                        65534,
                        2,
                        0x0103,
                        4096,
                        131072,
                        8,
                        1,
                        2,
                        3,
                        4,
                        5,
                        6,
                        7,
                        8,
                        9,
                        10),
                new Tsetattr(F1, SetattrValid.MODE | SetattrValid.CTIME, 040000, -1, -1, 0, 0, 0, 0, 0),
                new Tsetattr(F2, SetattrValid.ALL, 04711, 1234, 5678, 1L << 35, 981173106, 999999999, 981173106, 1),
                new Rsetattr(),
                new Txattrwalk(F1, F2, s("")),
                new Txattrwalk(F1, F2, s("user.smoke")),
                new Rxattrwalk(1L << 20),
                new Txattrcreate(F1, s("user.smoke"), 7, MiscConstants.XATTR_REPLACE),
                new Rxattrcreate(),
                new Treaddir(F1, 0, 65488),
                new Rreaddir(List.of()),
                new Rreaddir(List.of(
                        new Dirent(Q, 1, Dirent.DT_DIR, P9Name.DOT),
                        new Dirent(Q, 2, Dirent.DT_DIR, P9Name.DOTDOT),
                        new Dirent(Q2, Long.MAX_VALUE, Dirent.DT_REG, n("file")))),
                new Tfsync(F1, 1),
                new Rfsync(),
                new Tlock(F1, LockConstants.TYPE_WRLCK, LockConstants.FLAG_BLOCK, 0, 0, 4242, s("guest")),
                new Rlock(LockConstants.STATUS_BLOCKED),
                new Tgetlock(F1, LockConstants.TYPE_RDLCK, 100, 200, 1, s("host")),
                new Rgetlock(LockConstants.TYPE_UNLCK, 100, 200, 1, s("host")),
                new Tlink(F1, F2, n("hard")),
                new Rlink(),
                new Tmkdir(F1, n("dir"), 0755, 0),
                new Rmkdir(Q),
                new Trenameat(F1, n("old"), F2, n("new")),
                new Rrenameat(),
                new Tunlinkat(F1, n("gone"), MiscConstants.AT_REMOVEDIR),
                new Runlinkat());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

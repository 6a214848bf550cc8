package io.hvl9p.server.escape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hvl9p.protocol.Dirent;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.protocol.client.P9ErrorException;
import io.hvl9p.protocol.client.SocketFrameChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A 9P client with one-line helpers for the requests the escape tests send. */
final class Client implements AutoCloseable {
    /** Long enough for any honest request; a request that blocks the server's one worker fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    final P9Client p9;

    private Client(P9Client p9) {
        this.p9 = p9;
    }

    static Client connect(Path socket) throws IOException {
        return new Client(P9Client.connect(SocketFrameChannel.unix(socket), 65536, TIMEOUT));
    }

    @Override
    public void close() throws IOException {
        p9.close();
    }

    /** A request that is expected to fail. */
    @FunctionalInterface
    interface Call {
        void run() throws IOException;
    }

    /** Runs {@code c}, which must be refused with {@code errno}; {@code why} says why that errno. */
    static void assertErrno(int errno, String why, Call c) {
        P9ErrorException e = catchThrowableOfType(P9ErrorException.class, c::run);
        assertThat(e)
                .as("%s: expected %s, but the request succeeded", why, Errno.name(errno))
                .isNotNull();
        assertThat(e.errno()).as("%s: %s", why, e.getMessage()).isEqualTo(errno);
    }

    // ------------------------------------------------------------------ requests

    Fid attach(String aname, int uid) throws IOException {
        Fid f = p9.newFid();
        p9.call(new TMessage.Tattach(f, Fid.NOFID, P9String.EMPTY, P9String.of(aname), uid), RMessage.Rattach.class);
        return f;
    }

    RMessage.Rwalk walkRaw(Fid from, Fid newfid, String... names) throws IOException {
        return p9.call(new TMessage.Twalk(from, newfid, names(names)), RMessage.Rwalk.class);
    }

    /** Walks all of {@code names} (failing the test on a partial walk); returns the new fid. */
    Fid walk(Fid from, String... names) throws IOException {
        Fid f = p9.newFid();
        RMessage.Rwalk r = walkRaw(from, f, names);
        assertThat(r.qids()).as("qids of walk %s", Arrays.toString(names)).hasSize(names.length);
        return f;
    }

    Fid clone(Fid from) throws IOException {
        return walk(from);
    }

    static List<P9Name> names(String... names) {
        List<P9Name> l = new ArrayList<>();
        for (String n : names) {
            l.add(P9Name.of(n));
        }
        return l;
    }

    RMessage.Rgetattr getattr(Fid f) throws IOException {
        return p9.call(new TMessage.Tgetattr(f, GetattrMask.ALL), RMessage.Rgetattr.class);
    }

    Qid lopen(Fid f, int flags) throws IOException {
        return p9.call(new TMessage.Tlopen(f, flags), RMessage.Rlopen.class).qid();
    }

    /** Tlcreate: {@code dir} becomes the new file, opened with {@code flags}. */
    Qid lcreate(Fid dir, String name, int flags, int mode, int gid) throws IOException {
        return p9.call(new TMessage.Tlcreate(dir, P9Name.of(name), flags, mode, gid), RMessage.Rlcreate.class)
                .qid();
    }

    Qid mkdir(Fid dir, String name, int mode, int gid) throws IOException {
        return p9.call(new TMessage.Tmkdir(dir, P9Name.of(name), mode, gid), RMessage.Rmkdir.class)
                .qid();
    }

    Qid mknod(Fid dir, String name, int mode, int major, int minor, int gid) throws IOException {
        return p9.call(new TMessage.Tmknod(dir, P9Name.of(name), mode, major, minor, gid), RMessage.Rmknod.class)
                .qid();
    }

    Qid symlink(Fid dir, String name, String target, int gid) throws IOException {
        return p9.call(new TMessage.Tsymlink(dir, P9Name.of(name), P9String.of(target), gid), RMessage.Rsymlink.class)
                .qid();
    }

    void link(Fid dir, Fid target, String name) throws IOException {
        p9.call(new TMessage.Tlink(dir, target, P9Name.of(name)), RMessage.Rlink.class);
    }

    void rename(Fid f, Fid dir, String name) throws IOException {
        p9.call(new TMessage.Trename(f, dir, P9Name.of(name)), RMessage.Rrename.class);
    }

    void renameat(Fid oldDir, String oldName, Fid newDir, String newName) throws IOException {
        p9.call(
                new TMessage.Trenameat(oldDir, P9Name.of(oldName), newDir, P9Name.of(newName)),
                RMessage.Rrenameat.class);
    }

    void unlinkat(Fid dir, String name, int flags) throws IOException {
        p9.call(new TMessage.Tunlinkat(dir, P9Name.of(name), flags), RMessage.Runlinkat.class);
    }

    void remove(Fid f) throws IOException {
        p9.call(new TMessage.Tremove(f), RMessage.Rremove.class);
    }

    void clunk(Fid f) throws IOException {
        p9.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
    }

    void setattr(Fid f, int valid, int mode, int uid, int gid, long size) throws IOException {
        p9.call(new TMessage.Tsetattr(f, valid, mode, uid, gid, size, 0, 0, 0, 0), RMessage.Rsetattr.class);
    }

    String readlink(Fid f) throws IOException {
        return p9.call(new TMessage.Treadlink(f), RMessage.Rreadlink.class)
                .target()
                .asString();
    }

    int write(Fid f, long offset, String data) throws IOException {
        return p9.call(
                        new TMessage.Twrite(f, offset, ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8))),
                        RMessage.Rwrite.class)
                .count();
    }

    String read(Fid f, long offset, int count) throws IOException {
        ByteBuffer d = p9.call(new TMessage.Tread(f, offset, count), RMessage.Rread.class)
                .data();
        byte[] b = new byte[d.remaining()];
        d.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The names in an opened directory fid, read to the end. */
    List<String> readdir(Fid dir) throws IOException {
        List<String> out = new ArrayList<>();
        long offset = 0;
        while (true) {
            List<Dirent> batch = p9.call(new TMessage.Treaddir(dir, offset, 8192), RMessage.Rreaddir.class)
                    .entries();
            if (batch.isEmpty()) {
                return out;
            }
            for (Dirent d : batch) {
                out.add(d.name().asString());
                offset = d.offset();
            }
        }
    }

    /** Clones {@code dir}, opens the clone as a directory, lists it and clunks it. */
    List<String> list(Fid dir) throws IOException {
        Fid f = clone(dir);
        try {
            lopen(f, OpenFlags.RDONLY | OpenFlags.DIRECTORY);
            return readdir(f);
        } finally {
            clunk(f);
        }
    }

    /** Txattrwalk + Tread + Tclunk: the value of an xattr ("" lists the names). */
    byte[] getxattr(Fid f, String name) throws IOException {
        Fid x = p9.newFid();
        long size = p9.call(new TMessage.Txattrwalk(f, x, P9String.of(name)), RMessage.Rxattrwalk.class)
                .size();
        try {
            ByteBuffer d = p9.call(new TMessage.Tread(x, 0, (int) size), RMessage.Rread.class)
                    .data();
            byte[] b = new byte[d.remaining()];
            d.get(b);
            return b;
        } finally {
            clunk(x);
        }
    }

    /** The xattr names of a fid, from an empty-name Txattrwalk. */
    List<String> listxattr(Fid f) throws IOException {
        List<String> out = new ArrayList<>();
        for (String s : new String(getxattr(f, ""), StandardCharsets.UTF_8).split("\0")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Txattrcreate on a clone of {@code f} + Twrite + Tclunk (the clunk commits, so a refusal is
     * the clunk's error).
     */
    void setxattr(Fid f, String name, String value) throws IOException {
        Fid x = clone(f);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        p9.call(new TMessage.Txattrcreate(x, P9String.of(name), v.length, 0), RMessage.Rxattrcreate.class);
        if (v.length > 0) {
            p9.call(new TMessage.Twrite(x, 0, ByteBuffer.wrap(v)), RMessage.Rwrite.class);
        }
        clunk(x);
    }

    /** Asserts that {@code f} is not a fid of this session (a failed walk must not have made it). */
    void assertNoFid(Fid f) {
        assertErrno(Errno.EBADF, "fid " + f + " must not exist", () -> getattr(f));
    }
}

package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.hvl9p.protocol.Dirent;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.protocol.client.P9ErrorException;
import io.hvl9p.protocol.client.SocketFrameChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The project's {@link P9Client} with the bookkeeping the leak check needs: it knows which fids
 * the server should hold (those attached, walked in full, created by Txattrwalk, not yet clunked
 * or removed), and it turns the checked exceptions of the client into unchecked ones.
 */
final class TestClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final P9Client p9;
    private final Set<Fid> live = Collections.synchronizedSet(new LinkedHashSet<>());
    private Fid root;
    private boolean closed;

    private TestClient(P9Client p9) {
        this.p9 = p9;
    }

    /** Connects and negotiates 9P2000.L; no attach. */
    static TestClient connect(Path socket, int msize) {
        try {
            return new TestClient(P9Client.connect(SocketFrameChannel.unix(socket), msize, TIMEOUT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fid attached by {@link #attachRoot}. */
    Fid root() {
        return root;
    }

    /** Attaches as root to {@code aname}; later helpers walk from this fid. */
    Fid attachRoot(String aname) {
        root = attach(aname);
        return root;
    }

    /** Attaches as root (uname "root", n_uname 0) to {@code aname}: a new tracked fid. */
    Fid attach(String aname) {
        Fid f = p9.newFid();
        call(new TMessage.Tattach(f, Fid.NOFID, P9String.of("root"), P9String.of(aname), 0), RMessage.Rattach.class);
        live.add(f);
        return f;
    }

    Fid newFid() {
        return p9.newFid();
    }

    int msize() {
        return p9.msize();
    }

    // ------------------------------------------------------------------ raw calls

    /** Sends without waiting for the reply. */
    java.util.concurrent.CompletableFuture<io.hvl9p.protocol.Frame<RMessage>> send(TMessage m) {
        try {
            return p9.send(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <R extends RMessage> R call(TMessage m, Class<R> expected) {
        try {
            return p9.call(m, expected);
        } catch (P9ErrorException e) {
            throw new AssertionError(e.getMessage() + " for " + m, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code m}, which must fail; returns the errno. */
    int errno(TMessage m) {
        try {
            RMessage r = p9.call(m, RMessage.class);
            throw new AssertionError("expected Rlerror for " + m + ", got " + r);
        } catch (P9ErrorException e) {
            return e.errno();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code m}, which must fail with {@code errno}. */
    void expectErrno(int errno, TMessage m) {
        int got = errno(m);
        assertThat(Errno.name(got)).as("errno for %s", m).isEqualTo(Errno.name(errno));
    }

    // ------------------------------------------------------------------ fid bookkeeping

    /** The server should now hold {@code f} (a fid made by a raw call). */
    void track(Fid f) {
        live.add(f);
    }

    /** The server should no longer hold {@code f}. */
    void forget(Fid f) {
        live.remove(f);
    }

    /** A Tversion cleared every fid. */
    void forgetAll() {
        live.clear();
        root = null;
    }

    // ------------------------------------------------------------------ walk and open

    static List<P9Name> names(String... names) {
        return Arrays.stream(names).map(P9Name::of).toList();
    }

    /** Splits a relative path ("a/b/c"; "" for none) into names. */
    static String[] split(String path) {
        return path.isEmpty() ? new String[0] : path.split("/");
    }

    /** Twalk with the names; tracks newfid when the walk is complete (the only case the server creates it). */
    RMessage.Rwalk walk(Fid from, Fid newfid, String... names) {
        RMessage.Rwalk r = call(new TMessage.Twalk(from, newfid, names(names)), RMessage.Rwalk.class);
        if (r.qids().size() == names.length) {
            live.add(newfid);
        }
        return r;
    }

    /** A new fid for {@code path} below the root (a full walk is required). */
    Fid walk(String path) {
        return walk(root, path);
    }

    Fid walk(Fid from, String path) {
        Fid f = p9.newFid();
        String[] n = split(path);
        RMessage.Rwalk r = walk(from, f, n);
        assertThat(r.qids()).as("qids of walk %s", path).hasSize(n.length);
        return f;
    }

    RMessage.Rlopen lopen(Fid f, int flags) {
        return call(new TMessage.Tlopen(f, flags), RMessage.Rlopen.class);
    }

    /** Walks to {@code path} and opens it. */
    Fid open(String path, int flags) {
        Fid f = walk(path);
        lopen(f, flags);
        return f;
    }

    /** Creates {@code name} in the directory {@code dir} through a clone of it; returns the clone, now the open file. */
    Fid create(Fid dir, String name, int flags, int mode) {
        Fid f = walk(dir, "");
        call(new TMessage.Tlcreate(f, P9Name.of(name), flags, mode, 0), RMessage.Rlcreate.class);
        return f;
    }

    void clunk(Fid f) {
        live.remove(f);
        call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
    }

    RMessage.Rgetattr getattr(Fid f) {
        return call(new TMessage.Tgetattr(f, GetattrMask.ALL), RMessage.Rgetattr.class);
    }

    /** Tsetattr with only the given fields meaningful. */
    void setattr(
            Fid f,
            int valid,
            int mode,
            int uid,
            int gid,
            long size,
            long atimeSec,
            long atimeNsec,
            long mtimeSec,
            long mtimeNsec) {
        call(
                new TMessage.Tsetattr(f, valid, mode, uid, gid, size, atimeSec, atimeNsec, mtimeSec, mtimeNsec),
                RMessage.Rsetattr.class);
    }

    // ------------------------------------------------------------------ I/O

    byte[] read(Fid f, long offset, int count) {
        RMessage.Rread r = call(new TMessage.Tread(f, offset, count), RMessage.Rread.class);
        byte[] b = new byte[r.count()];
        r.data().duplicate().get(b);
        return b;
    }

    /** Reads from 0 to end of file in {@code count}-byte requests. */
    byte[] readAll(Fid f, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            byte[] b = read(f, out.size(), count);
            if (b.length == 0) {
                return out.toByteArray();
            }
            out.writeBytes(b);
        }
    }

    int write(Fid f, long offset, byte[] data) {
        return call(new TMessage.Twrite(f, offset, ByteBuffer.wrap(data)), RMessage.Rwrite.class)
                .count();
    }

    List<Dirent> readdir(Fid f, long offset, int count) {
        return call(new TMessage.Treaddir(f, offset, count), RMessage.Rreaddir.class)
                .entries();
    }

    /** Lists a whole open directory in {@code count}-byte replies, resuming at each last cookie. */
    List<Dirent> readdirAll(Fid f, int count) {
        List<Dirent> all = new ArrayList<>();
        long cookie = 0;
        for (int calls = 0; ; calls++) {
            if (calls > 100_000) {
                fail("readdir does not end: " + all.size() + " entries so far");
            }
            List<Dirent> page = readdir(f, cookie, count);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            cookie = page.getLast().offset();
        }
    }

    static String name(Dirent d) {
        return d.name().asString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ the end

    /** Clunks every fid the server should still hold; each clunk must succeed. */
    void clunkAll() {
        List<Fid> all;
        synchronized (live) {
            all = new ArrayList<>(live);
        }
        for (Fid f : all.reversed()) {
            clunk(f);
        }
        root = null;
    }

    /** Closes the connection without clunking: the server must release the fids by itself. */
    void abandon() {
        live.clear();
        close();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                p9.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

package io.hvl9p.conformance.load;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage.Rattach;
import io.hvl9p.protocol.RMessage.Rclunk;
import io.hvl9p.protocol.RMessage.Rgetattr;
import io.hvl9p.protocol.RMessage.Rlcreate;
import io.hvl9p.protocol.RMessage.Rlopen;
import io.hvl9p.protocol.RMessage.Rremove;
import io.hvl9p.protocol.RMessage.Runlinkat;
import io.hvl9p.protocol.RMessage.Rwalk;
import io.hvl9p.protocol.RMessage.Rwrite;
import io.hvl9p.protocol.TMessage.Tattach;
import io.hvl9p.protocol.TMessage.Tclunk;
import io.hvl9p.protocol.TMessage.Tgetattr;
import io.hvl9p.protocol.TMessage.Tlcreate;
import io.hvl9p.protocol.TMessage.Tlopen;
import io.hvl9p.protocol.TMessage.Tremove;
import io.hvl9p.protocol.TMessage.Tunlinkat;
import io.hvl9p.protocol.TMessage.Twalk;
import io.hvl9p.protocol.TMessage.Twrite;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.protocol.client.P9ErrorException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One attached connection with blocking helpers for setting up and cleaning up; the measured
 * requests go through a {@link Pipeline} on the same client instead.
 */
final class Session implements Closeable {
    static final int FILE_MODE = 0644;

    private final P9Client client;
    private final Fid root;
    private final int gid;

    private Session(P9Client client, Fid root, int gid) {
        this.client = client;
        this.root = root;
        this.gid = gid;
    }

    /** Connects, negotiates msize and attaches to {@code aname}; the root's gid is used for creates. */
    static Session open(LoadConfig config) throws IOException {
        P9Client client = P9Client.connect(config.target().connect(), config.msize(), config.timeout());
        try {
            Fid root = client.newFid();
            client.call(
                    new Tattach(
                            root, Fid.NOFID, P9String.of(config.uname()), P9String.of(config.aname()), config.nUname()),
                    Rattach.class);
            Rgetattr attr = client.call(new Tgetattr(root, GetattrMask.BASIC), Rgetattr.class);
            return new Session(client, root, attr.gid());
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    P9Client client() {
        return client;
    }

    Fid root() {
        return root;
    }

    int gid() {
        return gid;
    }

    /** {@code msize - 24}: the most data one Tread or Twrite may carry. */
    int ioSize() {
        return client.msize() - MiscConstants.IOHDRSZ;
    }

    /** A new fid for {@code root/name} (not opened). */
    Fid walk(String name) throws IOException {
        Fid f = client.newFid();
        Rwalk r = client.call(new Twalk(root, f, List.of(P9Name.of(name))), Rwalk.class);
        if (r.qids().size() != 1) {
            throw new IOException("Twalk to '" + name + "' returned " + r.qids().size() + " qids");
        }
        return f;
    }

    /** Opens {@code root/name}; returns the fid and the iounit (0: none given). */
    Opened open(String name, int flags) throws IOException {
        Fid f = walk(name);
        try {
            Rlopen r = client.call(new Tlopen(f, flags), Rlopen.class);
            return new Opened(f, r.iounit());
        } catch (IOException e) {
            clunkQuietly(f);
            throw e;
        }
    }

    /** Creates {@code root/name} with Tlcreate and returns the opened fid and its iounit. */
    Opened create(String name, int flags) throws IOException {
        Fid f = client.newFid();
        client.call(new Twalk(root, f, List.of()), Rwalk.class);
        try {
            Rlcreate r = client.call(new Tlcreate(f, P9Name.of(name), flags, FILE_MODE, gid), Rlcreate.class);
            return new Opened(f, r.iounit());
        } catch (IOException e) {
            clunkQuietly(f);
            throw e;
        }
    }

    record Opened(Fid fid, int iounit) {}

    /** Creates (or truncates) {@code root/name} and fills it with {@code size} bytes of {@link #pattern}. */
    void writeFile(String name, long size) throws IOException {
        Opened o = create(name, OpenFlags.WRONLY | OpenFlags.CREATE | OpenFlags.TRUNC);
        try {
            int chunk = ioCount(o.iounit());
            ByteBuffer data = pattern(chunk);
            long off = 0;
            while (off < size) {
                int n = (int) Math.min(chunk, size - off);
                Rwrite w = client.call(new Twrite(o.fid(), off, data.slice(0, n)), Rwrite.class);
                if (w.count() <= 0 || w.count() > n) {
                    throw new IOException("Twrite of " + n + " bytes at " + off + " answered count " + w.count());
                }
                off += w.count();
            }
        } finally {
            clunk(o.fid());
        }
    }

    /** The count of each Tread/Twrite: {@code msize-24}, or the iounit when the server gave a smaller one. */
    int ioCount(int iounit) {
        return iounit > 0 ? Math.min(iounit, ioSize()) : ioSize();
    }

    /** A read-only buffer of {@code size} bytes of a fixed pattern (not zeros, so nothing is sparse). */
    static ByteBuffer pattern(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            b.put((byte) (i * 131 + 7));
        }
        return b.flip().asReadOnlyBuffer();
    }

    /**
     * Finds out whether the server implements Tunlinkat: creates {@code probeName}, tries
     * Tunlinkat, and on EOPNOTSUPP removes it with Twalk + Tremove.
     */
    UnlinkMethod probeUnlink(String probeName) throws IOException {
        clunk(create(probeName, OpenFlags.RDWR | OpenFlags.CREATE | OpenFlags.EXCL)
                .fid());
        try {
            client.call(new Tunlinkat(root, P9Name.of(probeName), 0), Runlinkat.class);
            return UnlinkMethod.UNLINKAT;
        } catch (P9ErrorException e) {
            if (e.errno() != Errno.EOPNOTSUPP) {
                throw e;
            }
            unlink(probeName, UnlinkMethod.WALK_REMOVE);
            return UnlinkMethod.WALK_REMOVE;
        }
    }

    void unlink(String name, UnlinkMethod method) throws IOException {
        switch (method) {
            case UNLINKAT -> client.call(new Tunlinkat(root, P9Name.of(name), 0), Runlinkat.class);
            case WALK_REMOVE -> client.call(new Tremove(walk(name)), Rremove.class);
        }
    }

    /** Removes {@code root/name} with Tunlinkat, or Twalk + Tremove where Tunlinkat is not supported. */
    void removeFile(String name) throws IOException {
        try {
            unlink(name, UnlinkMethod.UNLINKAT);
        } catch (P9ErrorException e) {
            if (e.errno() != Errno.EOPNOTSUPP) {
                throw e;
            }
            unlink(name, UnlinkMethod.WALK_REMOVE);
        }
    }

    void clunk(Fid fid) throws IOException {
        client.call(new Tclunk(fid), Rclunk.class);
    }

    private void clunkQuietly(Fid fid) {
        try {
            clunk(fid);
        } catch (IOException e) {
            // the error that got us here matters more
        }
    }

    /** Clunks the root and closes the connection. */
    @Override
    public void close() throws IOException {
        try {
            clunk(root);
        } finally {
            client.close();
        }
    }
}

package io.hvl9p.exports.policy;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.SetattrValid;
import io.hvl9p.server.spi.Attr;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.FsStat;
import io.hvl9p.server.spi.Node;
import io.hvl9p.server.spi.OpenFile;
import io.hvl9p.server.spi.SetAttr;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A node of a policy export: the inner node plus the path it was reached by (names from the
 * export root, for the deny check). Every check happens before the inner node is asked.
 *
 * <p>A path can go stale when a client renames the node's directory or one of its parents through
 * another fid (the Linux client renames through the parent's fid and keeps using the moved
 * directory's own). Every rename of a directory through the export bumps {@link PolicyBackend#renames}; a node
 * whose path dates from an older count finds where it is now before a deny check ({@link
 * #where}), by walking {@code ..} to the root and naming each step: by the name it was walked by
 * if that still leads to it, else by looking it up in its parent's listing. A node that cannot be
 * located (moved out of the export by the host, or in a directory it may not list) gets ENOENT.
 */
final class PolicyNode implements Node {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    /** Names from the export root (immutable), known right as of rename count {@code renames}. */
    record Where(List<String> path, long renames) {}

    private final PolicyBackend backend;
    private final Node inner;
    private volatile Where where;

    PolicyNode(PolicyBackend backend, Node inner, Where where) {
        this.backend = backend;
        this.inner = inner;
        this.where = where;
    }

    /** The path from the export root as last known, for tests and logs. */
    List<String> path() {
        return where.path();
    }

    /** Where this node is now: the recorded path, located again if a rename happened since. */
    private Where where() {
        Where w = where;
        if (backend.deny.isEmpty() || !isDir()) {
            return w; // nothing depends on it (only a directory's path leads to other paths)
        }
        long now = backend.renames.get();
        if (w.renames() == now) {
            return w;
        }
        Where fresh = new Where(locate(w.path()), now);
        where = fresh;
        return fresh;
    }

    /** The names from the root to this node, by walking up; {@code hint} is the path it was walked by. */
    private List<String> locate(List<String> hint) {
        ArrayDeque<String> names = new ArrayDeque<>();
        Node cur = inner.duplicate();
        try {
            for (int level = 0; level <= MAX_DEPTH; level++) {
                Node up = cur.walk(P9Name.DOTDOT);
                if (up.qid().equals(cur.qid())) {
                    up.close();
                    return List.copyOf(names);
                }
                String name;
                try {
                    int h = hint.size() - 1 - level;
                    name = nameIn(up, cur.qid(), h >= 0 ? hint.get(h) : null);
                } catch (RuntimeException e) {
                    up.close();
                    throw e;
                }
                names.addFirst(name);
                cur.close();
                cur = up;
            }
            throw new BackendException(Errno.ENOENT, "too deep to locate");
        } catch (BackendException e) {
            throw new BackendException(Errno.ENOENT, "cannot locate a renamed file (" + e.getMessage() + ")");
        } finally {
            cur.close();
        }
    }

    private static final int MAX_DEPTH = 4096;

    /** The name of the file {@code child} in directory {@code dir}: {@code hint} if it names it, else from the listing. */
    private static String nameIn(Node dir, Qid child, String hint) {
        if (hint != null) {
            try (Node n = dir.walk(P9Name.of(hint.getBytes(StandardCharsets.UTF_8)))) {
                if (n.qid().path() == child.path()) {
                    return hint;
                }
            } catch (BackendException | IllegalArgumentException e) {
                // renamed away: look it up
            }
        }
        String[] found = {null};
        try (OpenFile d = dir.open(OpenFlags.RDONLY | OpenFlags.DIRECTORY)) {
            d.readdir(0, (qid, next, type, name) -> {
                boolean dots =
                        (name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.');
                if (!dots && qid.path() == child.path()) {
                    found[0] = new String(name, StandardCharsets.UTF_8);
                    return false;
                }
                return true;
            });
        }
        if (found[0] == null) {
            throw new BackendException(Errno.ENOENT, "not in its parent");
        }
        return found[0];
    }

    private static List<String> child(List<String> dir, P9Name name) {
        List<String> p = new ArrayList<>(dir.size() + 1);
        p.addAll(dir);
        p.add(new String(name.bytes(), StandardCharsets.UTF_8));
        return List.copyOf(p);
    }

    private void checkWritable() {
        if (backend.readOnly()) {
            throw new BackendException(Errno.EROFS, "read-only export");
        }
    }

    /** ENOENT when {@code name} in directory {@code dir} is denied: it does not exist and cannot come to. */
    private void checkVisible(List<String> dir, P9Name name) {
        if (!name.isDotOrDotDot() && backend.deny.denies(child(dir, name))) {
            throw new BackendException(Errno.ENOENT, "no such file");
        }
    }

    /** The inner node of a node of this export; EXDEV for any other (the session checks sameBackend first). */
    private PolicyNode mine(Node other) {
        if (other instanceof PolicyNode p && p.backend == backend) {
            return p;
        }
        throw new BackendException(Errno.EXDEV, "node of another export");
    }

    private PolicyNode wrap(Node n, List<String> p, long renames) {
        return new PolicyNode(backend, n, new Where(p, renames));
    }

    private boolean isDir() {
        return (inner.qid().type() & Qid.QTDIR) != 0;
    }

    @Override
    public Qid qid() {
        backend.live();
        return inner.qid();
    }

    @Override
    public Node walk(P9Name name) {
        backend.live();
        Where w = where();
        List<String> here = w.path();
        List<String> there;
        if (name.isDot()) {
            there = here;
        } else if (name.isDotDot()) {
            there = here.isEmpty() ? here : here.subList(0, here.size() - 1);
        } else {
            checkVisible(here, name);
            there = child(here, name);
        }
        return wrap(inner.walk(name), List.copyOf(there), w.renames());
    }

    @Override
    public Node duplicate() {
        backend.live();
        return new PolicyNode(backend, inner.duplicate(), where);
    }

    @Override
    public boolean sameBackend(Node other) {
        backend.live();
        return other instanceof PolicyNode p && p.backend == backend && inner.sameBackend(p.inner);
    }

    @Override
    public Attr getattr(long requestMask) {
        backend.live();
        Attr a = inner.getattr(requestMask);
        IdMap ids = backend.ids;
        int uid = ids.clientUid(a.uid());
        int gid = ids.clientGid(a.gid());
        if (uid == a.uid() && gid == a.gid()) {
            return a;
        }
        return new Attr(
                a.valid(),
                a.qid(),
                a.mode(),
                uid,
                gid,
                a.nlink(),
                a.rdev(),
                a.size(),
                a.blksize(),
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

    @Override
    public void setattr(SetAttr a) {
        backend.live();
        checkWritable();
        IdMap ids = backend.ids;
        int uid = (a.valid() & SetattrValid.UID) != 0 ? ids.hostUid(a.uid()) : a.uid();
        int gid = (a.valid() & SetattrValid.GID) != 0 ? ids.hostGid(a.gid()) : a.gid();
        inner.setattr(new SetAttr(
                a.valid(), a.mode(), uid, gid, a.size(), a.atimeSec(), a.atimeNsec(), a.mtimeSec(), a.mtimeNsec()));
    }

    @Override
    public OpenFile open(int flags) {
        backend.live();
        if (OpenFlags.writes(flags) || (flags & (OpenFlags.TRUNC | OpenFlags.CREATE)) != 0) {
            checkWritable();
        }
        // A directory's listing is filtered by the path it has when opened.
        List<String> p = backend.deny.isEmpty() || !isDir() ? where.path() : where().path();
        return new PolicyOpenFile(backend, inner.open(flags), p);
    }

    @Override
    public Created create(P9Name name, int flags, int mode, int gid) {
        backend.live();
        checkWritable();
        Where w = where();
        checkVisible(w.path(), name);
        Created c = inner.create(name, flags, mode, backend.ids.hostGid(gid));
        List<String> p = child(w.path(), name);
        return new Created(wrap(c.node(), p, w.renames()), new PolicyOpenFile(backend, c.file(), p));
    }

    @Override
    public Qid mkdir(P9Name name, int mode, int gid) {
        backend.live();
        checkWritable();
        checkVisible(where().path(), name);
        return inner.mkdir(name, mode, backend.ids.hostGid(gid));
    }

    @Override
    public Qid symlink(P9Name name, P9String target, int gid) {
        backend.live();
        checkWritable();
        checkVisible(where().path(), name);
        return inner.symlink(name, target, backend.ids.hostGid(gid));
    }

    @Override
    public Qid mknod(P9Name name, int mode, int major, int minor, int gid) {
        backend.live();
        checkWritable();
        checkVisible(where().path(), name);
        int t = mode & S_IFMT;
        if ((t == S_IFCHR || t == S_IFBLK) && !backend.policy.deviceNodes()) {
            throw new BackendException(Errno.EPERM, "device nodes are not allowed in this export");
        }
        return inner.mknod(name, mode, major, minor, backend.ids.hostGid(gid));
    }

    @Override
    public void link(P9Name name, Node target) {
        backend.live();
        checkWritable();
        PolicyNode t = mine(target);
        checkVisible(where().path(), name);
        inner.link(name, t.inner);
    }

    @Override
    public void renameat(P9Name oldName, Node newDir, P9Name newName) {
        backend.live();
        checkWritable();
        PolicyNode to = mine(newDir);
        checkVisible(where().path(), oldName);
        checkVisible(to.where().path(), newName);
        inner.renameat(oldName, to.inner, newName);
        noteRename(to.inner, newName);
    }

    /**
     * Counts a rename that may have moved a directory (only that changes other nodes' paths):
     * what now has the new name is looked at; a regular file renamed (the common atomic save) does
     * not make every node locate itself again. A concurrent rename that moves the directory on
     * counts itself.
     */
    private void noteRename(Node dir, P9Name name) {
        if (backend.deny.isEmpty()) {
            return;
        }
        try (Node n = dir.walk(name)) {
            if ((n.qid().type() & Qid.QTDIR) == 0) {
                return;
            }
        } catch (RuntimeException e) {
            // gone again already: count it, to be safe
        }
        backend.renames.incrementAndGet();
    }

    @Override
    public void unlinkat(P9Name name, int flags) {
        backend.live();
        checkWritable();
        checkVisible(where().path(), name);
        inner.unlinkat(name, flags);
    }

    @Override
    public void rename(Node newDir, P9Name newName) {
        backend.live();
        checkWritable();
        PolicyNode to = mine(newDir);
        List<String> there = to.where().path();
        checkVisible(there, newName);
        long before = backend.renames.get();
        inner.rename(to.inner, newName);
        if (!isDir()) {
            where = new Where(child(there, newName), before); // a file's path leads nowhere else
            return;
        }
        long n = backend.renames.incrementAndGet();
        // Known right now only if no other rename came between; else located again when needed.
        where = new Where(child(there, newName), n == before + 1 ? n : before);
    }

    @Override
    public void remove() {
        backend.live();
        checkWritable();
        inner.remove();
    }

    @Override
    public P9String readlink() {
        backend.live();
        return inner.readlink();
    }

    @Override
    public FsStat statfs() {
        backend.live();
        return inner.statfs();
    }

    @Override
    public byte[] listxattr() {
        backend.live();
        return inner.listxattr();
    }

    @Override
    public byte[] getxattr(P9String name) {
        backend.live();
        return inner.getxattr(name);
    }

    @Override
    public void setxattr(P9String name, byte[] value, int flags) {
        backend.live();
        checkWritable();
        inner.setxattr(name, value, flags);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        backend.live();
        return "PolicyNode[/" + String.join("/", where.path()) + " " + inner + "]";
    }
}

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
import java.util.ArrayList;
import java.util.List;

/**
 * A node of a policy export: the inner node plus the path it was reached by (names from the
 * export root, for the deny check). Every check happens before the inner node is asked.
 */
final class PolicyNode implements Node {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    private final PolicyBackend backend;
    private final Node inner;
    private volatile List<String> path; // immutable; replaced by a rename through this node

    PolicyNode(PolicyBackend backend, Node inner, List<String> path) {
        this.backend = backend;
        this.inner = inner;
        this.path = path;
    }

    /** The path from the export root, for tests and logs. */
    List<String> path() {
        return path;
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

    private PolicyNode wrap(Node n, List<String> p) {
        return new PolicyNode(backend, n, p);
    }

    @Override
    public Qid qid() {
        return inner.qid();
    }

    @Override
    public Node walk(P9Name name) {
        List<String> here = path;
        List<String> there;
        if (name.isDot()) {
            there = here;
        } else if (name.isDotDot()) {
            there = here.isEmpty() ? here : here.subList(0, here.size() - 1);
        } else {
            checkVisible(here, name);
            there = child(here, name);
        }
        return wrap(inner.walk(name), List.copyOf(there));
    }

    @Override
    public Node duplicate() {
        return wrap(inner.duplicate(), path);
    }

    @Override
    public boolean sameBackend(Node other) {
        return other instanceof PolicyNode p && p.backend == backend && inner.sameBackend(p.inner);
    }

    @Override
    public Attr getattr(long requestMask) {
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
        checkWritable();
        IdMap ids = backend.ids;
        int uid = (a.valid() & SetattrValid.UID) != 0 ? ids.hostUid(a.uid()) : a.uid();
        int gid = (a.valid() & SetattrValid.GID) != 0 ? ids.hostGid(a.gid()) : a.gid();
        inner.setattr(new SetAttr(
                a.valid(), a.mode(), uid, gid, a.size(), a.atimeSec(), a.atimeNsec(), a.mtimeSec(), a.mtimeNsec()));
    }

    @Override
    public OpenFile open(int flags) {
        if (OpenFlags.writes(flags) || (flags & (OpenFlags.TRUNC | OpenFlags.CREATE)) != 0) {
            checkWritable();
        }
        List<String> p = path;
        return new PolicyOpenFile(backend, inner.open(flags), p);
    }

    @Override
    public Created create(P9Name name, int flags, int mode, int gid) {
        checkWritable();
        List<String> here = path;
        checkVisible(here, name);
        Created c = inner.create(name, flags, mode, backend.ids.hostGid(gid));
        List<String> p = child(here, name);
        return new Created(wrap(c.node(), p), new PolicyOpenFile(backend, c.file(), p));
    }

    @Override
    public Qid mkdir(P9Name name, int mode, int gid) {
        checkWritable();
        checkVisible(path, name);
        return inner.mkdir(name, mode, backend.ids.hostGid(gid));
    }

    @Override
    public Qid symlink(P9Name name, P9String target, int gid) {
        checkWritable();
        checkVisible(path, name);
        return inner.symlink(name, target, backend.ids.hostGid(gid));
    }

    @Override
    public Qid mknod(P9Name name, int mode, int major, int minor, int gid) {
        checkWritable();
        checkVisible(path, name);
        int t = mode & S_IFMT;
        if ((t == S_IFCHR || t == S_IFBLK) && !backend.policy.deviceNodes()) {
            throw new BackendException(Errno.EPERM, "device nodes are not allowed in this export");
        }
        return inner.mknod(name, mode, major, minor, backend.ids.hostGid(gid));
    }

    @Override
    public void link(P9Name name, Node target) {
        checkWritable();
        PolicyNode t = mine(target);
        checkVisible(path, name);
        inner.link(name, t.inner);
    }

    @Override
    public void renameat(P9Name oldName, Node newDir, P9Name newName) {
        checkWritable();
        PolicyNode to = mine(newDir);
        checkVisible(path, oldName);
        checkVisible(to.path, newName);
        inner.renameat(oldName, to.inner, newName);
    }

    @Override
    public void unlinkat(P9Name name, int flags) {
        checkWritable();
        checkVisible(path, name);
        inner.unlinkat(name, flags);
    }

    @Override
    public void rename(Node newDir, P9Name newName) {
        checkWritable();
        PolicyNode to = mine(newDir);
        List<String> there = to.path;
        checkVisible(there, newName);
        inner.rename(to.inner, newName);
        if (!newName.isDotOrDotDot()) {
            path = child(there, newName);
        }
    }

    @Override
    public void remove() {
        checkWritable();
        inner.remove();
    }

    @Override
    public P9String readlink() {
        return inner.readlink();
    }

    @Override
    public FsStat statfs() {
        return inner.statfs();
    }

    @Override
    public byte[] listxattr() {
        return inner.listxattr();
    }

    @Override
    public byte[] getxattr(P9String name) {
        return inner.getxattr(name);
    }

    @Override
    public void setxattr(P9String name, byte[] value, int flags) {
        checkWritable();
        inner.setxattr(name, value, flags);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return "PolicyNode[/" + String.join("/", path) + " " + inner + "]";
    }
}

package io.hvl9p.server.linux;

import static io.hvl9p.server.linux.sys.LinuxConstants.AT_EMPTY_PATH;
import static io.hvl9p.server.linux.sys.LinuxConstants.AT_FDCWD;
import static io.hvl9p.server.linux.sys.LinuxConstants.AT_SYMLINK_FOLLOW;
import static io.hvl9p.server.linux.sys.LinuxConstants.AT_SYMLINK_NOFOLLOW;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFBLK;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFCHR;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFDIR;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFIFO;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFLNK;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFMT;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFREG;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFSOCK;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;
import io.hvl9p.server.linux.sys.HostFlags;
import io.hvl9p.server.linux.sys.LinuxConstants;
import io.hvl9p.server.linux.sys.StatFs;
import io.hvl9p.server.linux.sys.Statx;
import io.hvl9p.server.linux.sys.Sys;
import io.hvl9p.server.linux.sys.SysException;
import io.hvl9p.server.spi.Attr;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.FsStat;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Node;
import io.hvl9p.server.spi.OpenFile;
import io.hvl9p.server.spi.SetAttr;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A path handle: one {@code O_PATH|O_NOFOLLOW} descriptor. Handles are reference counted so that
 * a clone shares the descriptor and a child keeps its parent (needed only for Tremove and
 * Trename, which name the file by its parent and name).
 */
final class LinuxNode implements Node {
    private static final byte[] EMPTY = new byte[0];
    private static final int PATH_FLAGS = HostFlags.O_PATH | HostFlags.O_NOFOLLOW | HostFlags.O_CLOEXEC;
    private static final int STATX_WANTED = LinuxConstants.STATX_BASIC_STATS | LinuxConstants.STATX_BTIME;

    final LinuxBackend backend;
    final int fd;
    final int type; // S_IFMT bits, fixed for the life of the inode
    final long dev;
    final long ino;
    private final Qid qid;
    final Identity who;
    // Where the file was walked from (null for the root and when unknown); Trename moves it.
    private LinuxNode parent; // guarded by this
    private byte[] name; // guarded by this
    private final AtomicInteger refs = new AtomicInteger(1);

    LinuxNode(LinuxBackend backend, int fd, Statx st, Identity who, LinuxNode parent, byte[] name) {
        this.backend = backend;
        this.fd = fd;
        this.type = st.mode() & S_IFMT;
        this.dev = st.dev();
        this.ino = st.ino();
        this.qid = backend.qid(qidType(type), dev, ino);
        this.who = who;
        this.parent = parent;
        this.name = name;
    }

    static Statx stat(int fd) {
        return Sys.statx(fd, EMPTY, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_WANTED);
    }

    static int qidType(int type) {
        return switch (type) {
            case S_IFDIR -> Qid.QTDIR;
            case S_IFLNK -> Qid.QTSYMLINK;
            default -> Qid.QTFILE;
        };
    }

    @Override
    public Qid qid() {
        return qid;
    }

    boolean isRoot() {
        return dev == backend.rootDev && ino == backend.rootIno;
    }

    // ------------------------------------------------------------------ walk

    @Override
    public Node walk(P9Name n) {
        checkDir();
        if (n.isDot()) {
            return retain();
        }
        if (n.isDotDot() && isRoot()) {
            return retain(); // ".." at the root stays at the root
        }
        ThreadCreds.enter(who);
        checkBeneath();
        int child = Sys.openat(fd, n.bytes(), PATH_FLAGS, 0);
        try {
            Statx st = stat(child);
            if (n.isDotDot()) {
                return new LinuxNode(backend, child, st, who, null, null);
            }
            return new LinuxNode(backend, child, st, who, retain(), n.bytes());
        } catch (RuntimeException e) {
            Sys.close(child);
            throw e;
        }
    }

    @Override
    public Node duplicate() {
        return retain();
    }

    LinuxNode retain() {
        if (refs.getAndIncrement() <= 0) {
            refs.decrementAndGet();
            throw new IllegalStateException("node used after close");
        }
        return this;
    }

    @Override
    public void close() {
        int left = refs.decrementAndGet();
        if (left == 0) {
            Sys.close(fd);
            LinuxNode p;
            synchronized (this) {
                p = parent;
                parent = null;
            }
            if (p != null) {
                p.close();
            }
        } else if (left < 0) {
            throw new IllegalStateException("node closed twice");
        }
    }

    @Override
    public boolean sameBackend(Node other) {
        return other instanceof LinuxNode o && o.backend == backend;
    }

    /**
     * A directory used as the base of a namespace operation, and a file or directory opened, must
     * still lie beneath the export root.
     */
    void checkBeneath() {
        if (!isRoot() && !backend.beneath(fd)) {
            throw new BackendException(Errno.ENOENT, "no longer inside the export");
        }
    }

    void checkWritable() {
        if (backend.options.readOnly()) {
            throw new BackendException(Errno.EROFS, "read-only export");
        }
    }

    private void checkDir() {
        if (type != S_IFDIR) {
            throw new BackendException(Errno.ENOTDIR, "not a directory");
        }
    }

    /** For create-type operations: "." and ".." exist already. */
    private static void checkNewName(P9Name n) {
        if (n.isDotOrDotDot()) {
            throw new BackendException(Errno.EEXIST, "cannot create " + n);
        }
    }

    /** The checks every create-type operation starts with: a directory, a new name, writable. */
    private void checkCanCreate(P9Name n) {
        checkDir();
        checkNewName(n);
        checkWritable();
    }

    /**
     * Acts as the identity, with the group a new file gets: the one asked for if the identity may
     * use it, else its own; then checks that this directory is still inside the export.
     */
    private void enterToCreate(int gid) {
        ThreadCreds.enter(who, who.mayUseGroup(gid) ? gid : who.gid());
        checkBeneath();
    }

    private Qid qidOf(byte[] childName) {
        Statx st = Sys.statx(fd, childName, AT_SYMLINK_NOFOLLOW, STATX_WANTED);
        return backend.qid(qidType(st.mode() & S_IFMT), st.dev(), st.ino());
    }

    // ------------------------------------------------------------------ attributes

    @Override
    public Attr getattr(long requestMask) {
        Statx st = stat(fd);
        long valid = GetattrMask.BASIC;
        if ((st.mask() & LinuxConstants.STATX_BTIME) != 0) {
            valid |= GetattrMask.BTIME;
        }
        return new Attr(
                valid,
                qid,
                st.mode(),
                st.uid(),
                st.gid(),
                Integer.toUnsignedLong(st.nlink()),
                st.rdev(),
                st.size(),
                st.blksize(),
                st.blocks(),
                st.atimeSec(),
                st.atimeNsec(),
                st.mtimeSec(),
                st.mtimeNsec(),
                st.ctimeSec(),
                st.ctimeNsec(),
                st.btimeSec(),
                st.btimeNsec(),
                0,
                0);
    }

    @Override
    public void setattr(SetAttr a) {
        checkWritable();
        ThreadCreds.enter(who);
        checkBeneath(); // chmod, chown, utimes and truncate act on the file wherever it is now
        LinuxSetattr.apply(fd, type, a);
    }

    @Override
    public FsStat statfs() {
        StatFs s = Sys.fstatfs(fd);
        return new FsStat(
                (int) s.type(),
                (int) s.bsize(),
                s.blocks(),
                s.bfree(),
                s.bavail(),
                s.files(),
                s.ffree(),
                // The wire has f_fsid's first word in the low half (QEMU, diod, the Linux client's
                // u64_to_fsid); StatFs has it in the high half, as stat -f prints it.
                Long.rotateLeft(s.fsid(), 32),
                (int) s.namelen());
    }

    @Override
    public P9String readlink() {
        if (type != S_IFLNK) {
            throw new BackendException(Errno.EINVAL, "not a symlink");
        }
        return P9String.of(Sys.readlinkat(fd, EMPTY));
    }

    // ------------------------------------------------------------------ open and create

    @Override
    public OpenFile open(int flags) {
        int acc = checkAccessMode(flags);
        switch (type) {
            case S_IFDIR -> {
                if (acc != OpenFlags.RDONLY) {
                    throw new BackendException(Errno.EISDIR, "directory opened for writing");
                }
            }
            case S_IFREG -> {
                if ((flags & OpenFlags.DIRECTORY) != 0) {
                    throw new BackendException(Errno.ENOTDIR, "O_DIRECTORY on a file");
                }
                if ((OpenFlags.writes(flags) || (flags & OpenFlags.TRUNC) != 0)) {
                    checkWritable();
                }
            }
            case S_IFLNK -> throw new BackendException(Errno.ELOOP, "open of a symlink");
            default -> throw new BackendException(Errno.EPERM, "special files are not opened by this server");
        }
        ThreadCreds.enter(who);
        // The descriptor follows the file wherever the host moves it: opened outside the export
        // it would list, read or write outside.
        checkBeneath();
        int host = hostFlags(flags) | (type == S_IFDIR ? HostFlags.O_DIRECTORY : 0);
        int ofd = Sys.openat(AT_FDCWD, Sys.procFdPath(fd), host, 0);
        return new LinuxOpenFile(this, ofd, type == S_IFDIR);
    }

    /** The access mode of {@code flags}; EINVAL for mode 3 (NOACCESS), which Linux's open(2) has no use for here. */
    private static int checkAccessMode(int flags) {
        int acc = OpenFlags.accessMode(flags);
        if (acc == OpenFlags.NOACCESS) {
            throw new BackendException(Errno.EINVAL, "open mode 3");
        }
        return acc;
    }

    /** Decodes the protocol's flags (x86 octal values) into this host's; drops what a server must not pass on. */
    static int hostFlags(int p9) {
        int h = HostFlags.O_CLOEXEC;
        h |= switch (OpenFlags.accessMode(p9)) {
            case OpenFlags.WRONLY -> HostFlags.O_WRONLY;
            case OpenFlags.RDWR -> HostFlags.O_RDWR;
            default -> HostFlags.O_RDONLY;
        };
        if ((p9 & OpenFlags.TRUNC) != 0) {
            h |= HostFlags.O_TRUNC;
        }
        if ((p9 & OpenFlags.APPEND) != 0) {
            h |= HostFlags.O_APPEND;
        }
        if ((p9 & OpenFlags.SYNC) != 0) {
            h |= HostFlags.O_SYNC;
        } else if ((p9 & OpenFlags.DSYNC) != 0) {
            h |= HostFlags.O_DSYNC;
        }
        // NOCTTY, NONBLOCK, FASYNC, DIRECT, LARGEFILE, NOATIME, CLOEXEC: not passed on (QEMU
        // strips NOCTTY, ASYNC and DIRECT too; O_DIRECT would impose alignment on the client).
        return h;
    }

    @Override
    public Created create(P9Name n, int flags, int mode, int gid) {
        checkCanCreate(n);
        checkAccessMode(flags);
        enterToCreate(gid);
        int host = hostFlags(flags) | HostFlags.O_NOFOLLOW;
        int ofd;
        try {
            // Always O_EXCL first: opening an existing name could open a FIFO (blocking the
            // worker) or a device. Only a regular file that exists is reopened, by descriptor.
            ofd = Sys.openat(fd, n.bytes(), host | HostFlags.O_CREAT | HostFlags.O_EXCL, mode & 07777);
        } catch (SysException e) {
            if (e.errno() != Errno.EEXIST || (flags & OpenFlags.EXCL) != 0) {
                throw e;
            }
            LinuxNode existing = (LinuxNode) walk(n);
            try {
                OpenFile f = existing.open(flags);
                return new Created(existing, f);
            } catch (RuntimeException e2) {
                existing.close();
                throw e2;
            }
        }
        try {
            int pfd = Sys.openat(AT_FDCWD, Sys.procFdPath(ofd), HostFlags.O_PATH | HostFlags.O_CLOEXEC, 0);
            LinuxNode node;
            try {
                node = new LinuxNode(backend, pfd, stat(pfd), who, retain(), n.bytes());
            } catch (RuntimeException e) {
                Sys.close(pfd);
                throw e;
            }
            return new Created(node, new LinuxOpenFile(node, ofd, false));
        } catch (RuntimeException e) {
            Sys.close(ofd);
            throw e;
        }
    }

    @Override
    public Qid mkdir(P9Name n, int mode, int gid) {
        checkCanCreate(n);
        enterToCreate(gid);
        Sys.mkdirat(fd, n.bytes(), mode & 07777);
        return qidOf(n.bytes());
    }

    @Override
    public Qid symlink(P9Name n, P9String target, int gid) {
        checkCanCreate(n);
        if (target.isEmpty()) {
            throw new BackendException(Errno.ENOENT, "empty symlink target");
        }
        enterToCreate(gid);
        // The target is stored, never followed by this server: it cannot lead anywhere.
        Sys.symlinkat(target.bytes(), fd, n.bytes());
        return qidOf(n.bytes());
    }

    @Override
    public Qid mknod(P9Name n, int mode, int major, int minor, int gid) {
        checkCanCreate(n);
        int t = mode & S_IFMT;
        long dev = 0;
        switch (t) {
            case S_IFIFO, S_IFSOCK -> {}
            case 0, S_IFREG -> t = S_IFREG;
            case S_IFCHR, S_IFBLK -> {
                if (!backend.options.allowDeviceNodes()) {
                    throw new BackendException(Errno.EPERM, "device nodes are not allowed in this export");
                }
                dev = Sys.makedev(major, minor);
            }
            default -> throw new BackendException(Errno.EINVAL, "mknod type 0" + Integer.toOctalString(t));
        }
        enterToCreate(gid);
        Sys.mknodat(fd, n.bytes(), t | (mode & 07777), dev);
        return qidOf(n.bytes());
    }

    // ------------------------------------------------------------------ namespace

    @Override
    public void link(P9Name n, Node target) {
        checkCanCreate(n);
        LinuxNode t = (LinuxNode) target;
        if (t.type == S_IFDIR) {
            throw new BackendException(Errno.EPERM, "hard link to a directory");
        }
        ThreadCreds.enter(who);
        checkBeneath();
        t.checkBeneath(); // a file the host moved out must not be linked back in
        Sys.linkat(AT_FDCWD, Sys.procFdPath(t.fd), fd, n.bytes(), AT_SYMLINK_FOLLOW);
    }

    @Override
    public void renameat(P9Name oldName, Node newDir, P9Name newName) {
        checkDir();
        LinuxNode to = (LinuxNode) newDir;
        to.checkDir();
        if (oldName.isDotOrDotDot() || newName.isDotOrDotDot()) {
            throw new BackendException(Errno.EISDIR, "rename of . or ..");
        }
        checkWritable();
        ThreadCreds.enter(who);
        checkBeneath();
        to.checkBeneath();
        Sys.renameat2(fd, oldName.bytes(), to.fd, newName.bytes(), 0);
    }

    @Override
    public void unlinkat(P9Name n, int flags) {
        checkDir();
        if (n.isDot()) {
            throw new BackendException(Errno.EINVAL, "unlink of .");
        }
        if (n.isDotDot()) {
            throw new BackendException(Errno.ENOTEMPTY, "unlink of ..");
        }
        checkWritable();
        ThreadCreds.enter(who);
        checkBeneath();
        Sys.unlinkat(fd, n.bytes(), flags == MiscConstants.AT_REMOVEDIR ? LinuxConstants.AT_REMOVEDIR : 0);
    }

    @Override
    public void rename(Node newDir, P9Name newName) {
        Named at = stillNamed();
        try {
            if (newName.isDotOrDotDot()) {
                throw new BackendException(Errno.EISDIR, "rename to . or ..");
            }
            LinuxNode to = (LinuxNode) newDir;
            to.checkDir();
            checkWritable();
            ThreadCreds.enter(who);
            at.dir().checkBeneath();
            to.checkBeneath();
            Sys.renameat2(at.dir().fd, at.name(), to.fd, newName.bytes(), 0);
            // The file is now there: a later Trename or Tremove of this fid starts from it.
            LinuxNode old;
            synchronized (this) {
                old = parent;
                parent = to.retain();
                name = newName.bytes();
            }
            old.close();
        } finally {
            at.dir().close();
        }
    }

    @Override
    public void remove() {
        Named at = stillNamed();
        try {
            checkWritable();
            ThreadCreds.enter(who);
            at.dir().checkBeneath();
            Sys.unlinkat(at.dir().fd, at.name(), type == S_IFDIR ? LinuxConstants.AT_REMOVEDIR : 0);
        } finally {
            at.dir().close();
        }
    }

    /** A directory (a reference the caller closes) and the name this file has in it. */
    private record Named(LinuxNode dir, byte[] name) {}

    /** Where this file is, after checking that its recorded name still names it. */
    private Named stillNamed() {
        if (isRoot()) {
            throw new BackendException(Errno.EBUSY, "the export root");
        }
        LinuxNode p;
        byte[] n;
        synchronized (this) {
            p = parent == null ? null : parent.retain();
            n = name;
        }
        if (p == null || n == null) {
            if (p != null) {
                p.close();
            }
            throw new BackendException(Errno.EOPNOTSUPP, "name unknown for this fid; use Tunlinkat/Trenameat");
        }
        try {
            Statx now = Sys.statx(p.fd, n, AT_SYMLINK_NOFOLLOW, LinuxConstants.STATX_INO);
            if (now.dev() != dev || now.ino() != ino) {
                throw new BackendException(Errno.ENOENT, "the file was renamed since it was walked");
            }
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return new Named(p, n);
    }

    // ------------------------------------------------------------------ xattrs (LinuxXattrs)

    @Override
    public byte[] listxattr() {
        return LinuxXattrs.list(this);
    }

    @Override
    public byte[] getxattr(P9String attr) {
        return LinuxXattrs.get(this, attr);
    }

    @Override
    public void setxattr(P9String attr, byte[] value, int flags) {
        checkWritable();
        LinuxXattrs.checkNamespace(who, attr);
        ThreadCreds.enter(who);
        checkBeneath();
        LinuxXattrs.set(this, attr, value, flags);
    }

    @Override
    public String toString() {
        return "LinuxNode[fd=" + fd + " " + qid + "]";
    }
}

package io.hvl9p.server.linux;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Qid;
import io.hvl9p.server.linux.sys.HostFlags;
import io.hvl9p.server.linux.sys.LinuxConstants;
import io.hvl9p.server.linux.sys.Statx;
import io.hvl9p.server.linux.sys.Sys;
import io.hvl9p.server.linux.sys.SysException;
import io.hvl9p.server.spi.Backend;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Node;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A host directory served through Linux system calls (FFM). Confinement: every fid holds an
 * {@code O_PATH} descriptor, every walk step is one {@code openat(dirfd, name,
 * O_PATH|O_NOFOLLOW)}, so a symlink is never followed by the server; {@code ..} at the root stays
 * at the root; a directory used as the base of a namespace operation, and a file or directory
 * about to be opened, is checked to still lie beneath the root (it may have been moved out since
 * it was walked); files are opened through their own descriptor ({@code /proc/self/fd/N}), never
 * by name, so a swap between walk and open cannot redirect the open; device special files are
 * never opened.
 */
public final class LinuxBackend implements Backend {
    /**
     * @param readOnly every mutating request fails with EROFS
     * @param allowDeviceNodes whether Tmknod may create character and block devices (FIFOs and
     *     sockets are always allowed)
     */
    public record Options(boolean readOnly, boolean allowDeviceNodes) {
        public static Options defaults() {
            return new Options(false, false);
        }
    }

    final int rootFd;
    final long rootDev;
    final long rootIno;
    final Options options;
    final QidMap qids;
    private final Path root;
    private volatile byte[] rootPath;
    private volatile boolean closed;

    private LinuxBackend(Path root, int rootFd, Statx st, Options options) {
        this.root = root;
        this.rootFd = rootFd;
        this.rootDev = st.dev();
        this.rootIno = st.ino();
        this.options = options;
        this.qids = new QidMap(st.dev());
        this.rootPath = Sys.readlinkat(LinuxConstants.AT_FDCWD, Sys.procFdPath(rootFd));
    }

    /**
     * Opens {@code root} (trusted configuration: symlinks in it are followed once, here).
     *
     * @throws IllegalArgumentException with a clear message if it is missing or not a directory
     */
    public static LinuxBackend open(Path root, Options options) {
        byte[] p = root.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        int fd;
        try {
            fd = Sys.openat(
                    LinuxConstants.AT_FDCWD, p, HostFlags.O_PATH | HostFlags.O_DIRECTORY | HostFlags.O_CLOEXEC, 0);
        } catch (SysException e) {
            throw new IllegalArgumentException("export " + root + ": " + describe(e.errno()), e);
        }
        Statx st = Sys.statx(fd, new byte[0], LinuxConstants.AT_EMPTY_PATH, LinuxConstants.STATX_BASIC_STATS);
        return new LinuxBackend(root, fd, st, options);
    }

    private static String describe(int errno) {
        return switch (errno) {
            case Errno.ENOENT -> "no such directory";
            case Errno.ENOTDIR -> "not a directory";
            case Errno.EACCES -> "permission denied";
            default -> Errno.name(errno);
        };
    }

    @Override
    public Node attach(Identity who) {
        if (closed) {
            throw new BackendException(Errno.ENOENT, "export closed");
        }
        int fd = Sys.dupCloexec(rootFd);
        try {
            Statx st = LinuxNode.stat(fd);
            return new LinuxNode(this, fd, st, who, null, null);
        } catch (RuntimeException e) {
            Sys.close(fd);
            throw e;
        }
    }

    @Override
    public boolean readOnly() {
        return options.readOnly();
    }

    @Override
    public String describe() {
        return root + (options.readOnly() ? " (read-only)" : "");
    }

    /** The qid of a file of this export: version 0 (as diod), path from (device, inode) through the QidMap. */
    Qid qid(int qidType, long dev, long ino) {
        return new Qid(qidType, 0, qids.path(dev, ino));
    }

    /**
     * Whether the directory behind {@code fd} still lies beneath the root: its current path (the
     * kernel's, from /proc/self/fd) starts with the root's. The root's own path is re-read when
     * the check fails, in case the whole export was moved.
     */
    boolean beneath(int fd) {
        byte[] p;
        try {
            p = Sys.readlinkat(LinuxConstants.AT_FDCWD, Sys.procFdPath(fd));
        } catch (SysException e) {
            return false;
        }
        if (under(p, rootPath)) {
            return true;
        }
        byte[] now = Sys.readlinkat(LinuxConstants.AT_FDCWD, Sys.procFdPath(rootFd));
        if (!Arrays.equals(now, rootPath)) {
            rootPath = now;
            return under(p, now);
        }
        return false;
    }

    private static boolean under(byte[] p, byte[] root) {
        if (root.length == 1 && root[0] == '/') {
            return p.length > 0 && p[0] == '/';
        }
        if (p.length < root.length || !Arrays.equals(p, 0, root.length, root, 0, root.length)) {
            return false;
        }
        return p.length == root.length || p[root.length] == '/';
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sys.close(rootFd);
        }
    }
}

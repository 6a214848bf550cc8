package io.hvl9p.server.linux;

import static io.hvl9p.server.linux.sys.LinuxConstants.AT_EMPTY_PATH;
import static io.hvl9p.server.linux.sys.LinuxConstants.AT_FDCWD;
import static io.hvl9p.server.linux.sys.LinuxConstants.AT_SYMLINK_NOFOLLOW;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFDIR;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFLNK;
import static io.hvl9p.server.linux.sys.LinuxConstants.S_IFREG;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.SetattrValid;
import io.hvl9p.server.linux.sys.LinuxConstants;
import io.hvl9p.server.linux.sys.Sys;
import io.hvl9p.server.spi.BackendException;

/**
 * Tsetattr on a node's {@code O_PATH} descriptor, in QEMU's order: mode, times, owner, size (not
 * atomic, as on any server). chmod, utimes and truncate go through {@code /proc/self/fd/N} (an
 * {@code O_PATH} descriptor takes no fchmod/futimens/ftruncate); chown uses {@code AT_EMPTY_PATH}
 * and never follows a symlink. A time whose {@code *_SET} bit is clear means "now".
 */
final class LinuxSetattr {
    private static final byte[] EMPTY = new byte[0];

    private LinuxSetattr() {}

    /** The caller checked writability, identity and that the node is still inside the export. */
    static void apply(int fd, int type, io.hvl9p.server.spi.SetAttr a) {
        int v = a.valid();
        byte[] proc = Sys.procFdPath(fd);
        if ((v & SetattrValid.MODE) != 0) {
            if (type == S_IFLNK) {
                throw new BackendException(Errno.EOPNOTSUPP, "chmod of a symlink");
            }
            Sys.fchmodat(AT_FDCWD, proc, a.mode() & 07777, 0);
        }
        if ((v & (SetattrValid.ATIME | SetattrValid.MTIME)) != 0) {
            if (type == S_IFLNK) {
                throw new BackendException(Errno.EOPNOTSUPP, "utimes of a symlink");
            }
            long an = LinuxConstants.UTIME_OMIT;
            long as = 0;
            if ((v & SetattrValid.ATIME) != 0) {
                if ((v & SetattrValid.ATIME_SET) != 0) {
                    as = a.atimeSec();
                    an = a.atimeNsec();
                } else {
                    an = LinuxConstants.UTIME_NOW;
                }
            }
            long ms = 0;
            long mn = LinuxConstants.UTIME_OMIT;
            if ((v & SetattrValid.MTIME) != 0) {
                if ((v & SetattrValid.MTIME_SET) != 0) {
                    ms = a.mtimeSec();
                    mn = a.mtimeNsec();
                } else {
                    mn = LinuxConstants.UTIME_NOW;
                }
            }
            Sys.utimensat(AT_FDCWD, proc, as, an, ms, mn, 0);
        }
        if ((v & (SetattrValid.UID | SetattrValid.GID)) != 0) {
            int uid = (v & SetattrValid.UID) != 0 ? a.uid() : -1;
            int gid = (v & SetattrValid.GID) != 0 ? a.gid() : -1;
            Sys.fchownat(fd, EMPTY, uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
        } else if ((v & SetattrValid.CTIME) != 0 && (v & ~(SetattrValid.CTIME)) == 0) {
            // ctime alone: touch it, as QEMU does, with chown(-1, -1)
            Sys.fchownat(fd, EMPTY, -1, -1, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
        }
        if ((v & SetattrValid.SIZE) != 0) {
            if (type == S_IFDIR) {
                throw new BackendException(Errno.EISDIR, "truncate of a directory");
            }
            if (type != S_IFREG) {
                throw new BackendException(Errno.EINVAL, "truncate of a special file");
            }
            if (a.size() < 0) {
                throw new BackendException(Errno.EINVAL, "negative size");
            }
            Sys.truncate(proc, a.size());
        }
    }
}

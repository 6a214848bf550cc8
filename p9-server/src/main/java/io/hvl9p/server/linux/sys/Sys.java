package io.hvl9p.server.linux.sys;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The Linux system calls the file server makes, one static method per call (see the package
 * documentation for the rules every method keeps). The single entry point, so that all native
 * access is in one reviewed place; the implementations live in package-private classes by topic.
 *
 * <p>Every method throws {@link SysException} with the Linux errno when the call fails, after
 * retrying {@code EINTR}. Names and paths are {@code byte[]} without a NUL. Buffers are used from
 * their position to their limit, and the position is advanced by the number of bytes transferred.
 *
 * <p>What works on an {@code O_PATH} descriptor: {@link #statx}, {@link #fchownat}, {@link
 * #utimensat}, {@link #readlinkat} and {@link #linkat} (as root) with an empty path and {@code
 * AT_EMPTY_PATH}; {@link #fstatfs}; {@link #dupCloexec}; {@link #close}; and the xattr calls on
 * {@link #procFdPath}. {@link #fchmodat} rejects {@code AT_EMPTY_PATH} ({@code EINVAL} from glibc)
 * and needs {@code procFdPath}; {@code pread}, {@code pwrite}, {@code fsync}, {@code ftruncate},
 * {@code lseek}, {@code getdents64}, the f-xattr calls and the OFD locks fail with {@code EBADF}
 * and need a descriptor opened for I/O. On {@code procFdPath} use the following xattr calls, not
 * the l-variants: those act on the /proc magic link itself ({@code ENODATA}). Following the magic
 * link of an {@code O_PATH | O_NOFOLLOW} symlink descriptor lands on the symlink, not its target.
 */
public final class Sys {
    private Sys() {}

    // ---- descriptors

    /** {@code openat(2)}; returns the new descriptor. {@code flags} are {@link HostFlags}. */
    public static int openat(int dirfd, byte[] name, int flags, int mode) {
        return FileCalls.openat(dirfd, name, flags, mode);
    }

    /**
     * {@code openat2(2)} (via {@code syscall}, glibc has no wrapper): {@code struct open_how} is
     * {@code {flags, mode, resolve}}; {@code resolve} is {@code RESOLVE_*} in {@link LinuxConstants}.
     * Unlike {@code openat}, unknown flags and a mode without {@code O_CREAT}/{@code O_TMPFILE} are
     * {@code EINVAL}; escaping the directory under {@code RESOLVE_BENEATH} is {@code EXDEV}.
     */
    public static int openat2(int dirfd, byte[] path, long flags, long mode, long resolve) {
        return FileCalls.openat2(dirfd, path, flags, mode, resolve);
    }

    /** {@code close(2)}. Not retried on {@code EINTR}, which on Linux means it is closed anyway. */
    public static void close(int fd) {
        FileCalls.close(fd);
    }

    /** {@code fcntl(fd, F_DUPFD_CLOEXEC, 0)}: a new close-on-exec descriptor for the same open file. */
    public static int dupCloexec(int fd) {
        return FileCalls.dupCloexec(fd);
    }

    /**
     * {@code statx(2)}. With an empty {@code path} and {@code AT_EMPTY_PATH} it reports on {@code
     * dirfd} itself, which may be an {@code O_PATH} descriptor. {@code mask} is {@code STATX_*};
     * check {@link Statx#mask()} for what was actually filled in.
     */
    public static Statx statx(int dirfd, byte[] path, int flags, int mask) {
        return FileCalls.statx(dirfd, path, flags, mask);
    }

    /**
     * {@code pread(2)} into {@code dst} from its position up to its limit, heap or direct, without a
     * copy; advances the position. Returns the bytes read, 0 at end of file.
     */
    public static int pread(int fd, ByteBuffer dst, long offset) {
        return FileCalls.pread(fd, dst, offset);
    }

    /** {@code pwrite(2)} of {@code src}'s remaining bytes without a copy; advances the position. */
    public static int pwrite(int fd, ByteBuffer src, long offset) {
        return FileCalls.pwrite(fd, src, offset);
    }

    public static void fsync(int fd) {
        FileCalls.fsync(fd);
    }

    public static void fdatasync(int fd) {
        FileCalls.fdatasync(fd);
    }

    public static void ftruncate(int fd, long len) {
        FileCalls.ftruncate(fd, len);
    }

    /** {@code truncate(2)}; follows symlinks, so give it a {@link #procFdPath} for an O_PATH fd. */
    public static void truncate(byte[] path, long len) {
        FileCalls.truncate(path, len);
    }

    /** {@code lseek(2)}; {@code whence} is {@code SEEK_*}. Returns the new offset. */
    public static long lseek(int fd, long offset, int whence) {
        return FileCalls.lseek(fd, offset, whence);
    }

    /** {@code fstatfs(2)}; works on {@code O_PATH} descriptors. */
    public static StatFs fstatfs(int fd) {
        return FileCalls.fstatfs(fd);
    }

    /**
     * {@code fcntl(F_OFD_SETLK)}: takes or releases ({@code F_UNLCK}) an open-file-description lock
     * without waiting. A conflicting lock is a {@link SysException} with {@code EAGAIN} (or {@code
     * EACCES}). {@code l.pid()} is ignored.
     */
    public static void ofdSetLock(int fd, Flock l) {
        FileCalls.ofdSetLock(fd, l);
    }

    /**
     * {@code fcntl(F_OFD_GETLK)}: the first lock that would conflict with {@code l}, or {@code l} with
     * type {@code F_UNLCK} when none would. {@code l.pid()} is ignored (0 is passed, as OFD locks
     * require); the returned pid is -1 for a conflicting OFD lock.
     */
    public static Flock ofdGetLock(int fd, Flock l) {
        return FileCalls.ofdGetLock(fd, l);
    }

    // ---- names

    /**
     * {@code fchmodat(2)} as glibc implements it: {@code AT_SYMLINK_NOFOLLOW} is the only flag, and
     * {@code AT_EMPTY_PATH} is {@code EINVAL}; for an {@code O_PATH} descriptor chmod its {@link
     * #procFdPath} with flags 0.
     */
    public static void fchmodat(int dirfd, byte[] path, int mode, int flags) {
        PathCalls.fchmodat(dirfd, path, mode, flags);
    }

    /** {@code fchownat(2)}; -1 leaves an id unchanged; takes {@code AT_EMPTY_PATH}. */
    public static void fchownat(int dirfd, byte[] path, int uid, int gid, int flags) {
        PathCalls.fchownat(dirfd, path, uid, gid, flags);
    }

    /**
     * {@code utimensat(2)}; a nanosecond field may be {@code UTIME_NOW} or {@code UTIME_OMIT} (the
     * seconds are then ignored); takes {@code AT_EMPTY_PATH} and {@code AT_SYMLINK_NOFOLLOW}.
     */
    public static void utimensat(
            int dirfd, byte[] path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, int flags) {
        PathCalls.utimensat(dirfd, path, atimeSec, atimeNsec, mtimeSec, mtimeNsec, flags);
    }

    public static void mkdirat(int dirfd, byte[] name, int mode) {
        PathCalls.mkdirat(dirfd, name, mode);
    }

    /** {@code mknodat(2)}; {@code mode} includes the type ({@code S_IF*}); {@code dev} as {@link #makedev}. */
    public static void mknodat(int dirfd, byte[] name, int mode, long dev) {
        PathCalls.mknodat(dirfd, name, mode, dev);
    }

    /** glibc's {@code makedev(3)} encoding of a device number, as {@link #mknodat} takes it. */
    public static long makedev(int major, int minor) {
        return PathCalls.makedev(major, minor);
    }

    public static void symlinkat(byte[] target, int dirfd, byte[] name) {
        PathCalls.symlinkat(target, dirfd, name);
    }

    /**
     * {@code readlinkat(2)}: the whole target (the buffer grows if it fills). With an empty path it
     * reads the symlink {@code dirfd} itself refers to ({@code O_PATH | O_NOFOLLOW}).
     */
    public static byte[] readlinkat(int dirfd, byte[] path) {
        return PathCalls.readlinkat(dirfd, path);
    }

    /**
     * {@code linkat(2)}; with {@code AT_EMPTY_PATH} (needs {@code CAP_DAC_READ_SEARCH}) links the
     * file {@code olddirfd} refers to, e.g. an {@code O_PATH} or {@code O_TMPFILE} descriptor.
     */
    public static void linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        PathCalls.linkat(olddirfd, oldpath, newdirfd, newpath, flags);
    }

    /** {@code renameat2(2)}; {@code flags} are {@code RENAME_*} (0 is plain {@code renameat}). */
    public static void renameat2(int olddirfd, byte[] oldname, int newdirfd, byte[] newname, int flags) {
        PathCalls.renameat2(olddirfd, oldname, newdirfd, newname, flags);
    }

    /** {@code unlinkat(2)}; {@code AT_REMOVEDIR} removes an empty directory. */
    public static void unlinkat(int dirfd, byte[] name, int flags) {
        PathCalls.unlinkat(dirfd, name, flags);
    }

    /**
     * {@code getdents64(2)} into {@code buf} (heap or direct, no copy) from its position; advances the
     * position and returns the bytes filled, 0 at the end of the directory. Flip and hand the buffer
     * to {@link #parseDirents}. Too small a buffer for the next entry is {@code EINVAL}.
     */
    public static int getdents64(int fd, ByteBuffer buf) {
        return PathCalls.getdents64(fd, buf);
    }

    /**
     * Calls {@code c} for each {@code struct linux_dirent64} in the {@code len} bytes of {@code buf}
     * from its position, until {@code c} returns false. Reads with absolute indexes: the buffer's
     * position and limit do not change. A malformed record is an {@link IllegalArgumentException}.
     */
    public static void parseDirents(ByteBuffer buf, int len, DirentConsumer c) {
        PathCalls.parseDirents(buf, len, c);
    }

    /** {@code "/proc/self/fd/N"}: a path that reaches the file an {@code O_PATH} descriptor refers to. */
    public static byte[] procFdPath(int fd) {
        return PathCalls.procFdPath(fd);
    }

    // ---- extended attributes (path calls follow symlinks, l-calls do not)

    /**
     * {@code getxattr(2)} into {@code value}; with {@code value} null or without room, asks the size
     * instead. Returns the value's size. {@code ENODATA} when absent, {@code ERANGE} when too small.
     */
    public static int getxattr(byte[] path, byte[] name, ByteBuffer value) {
        return XattrCalls.get(XattrCalls.getxattr(true), "getxattr", path, name, value);
    }

    public static int lgetxattr(byte[] path, byte[] name, ByteBuffer value) {
        return XattrCalls.get(XattrCalls.getxattr(false), "lgetxattr", path, name, value);
    }

    public static int fgetxattr(int fd, byte[] name, ByteBuffer value) {
        return XattrCalls.fget(fd, name, value);
    }

    /**
     * {@code listxattr(2)}: NUL-terminated names into {@code list}; null or no room asks the size.
     * Returns the list's size.
     */
    public static int listxattr(byte[] path, ByteBuffer list) {
        return XattrCalls.list(XattrCalls.listxattr(true), "listxattr", path, list);
    }

    public static int llistxattr(byte[] path, ByteBuffer list) {
        return XattrCalls.list(XattrCalls.listxattr(false), "llistxattr", path, list);
    }

    public static int flistxattr(int fd, ByteBuffer list) {
        return XattrCalls.flist(fd, list);
    }

    /**
     * {@code setxattr(2)} to {@code value}'s remaining bytes (null: empty), consuming them; {@code
     * flags} 0, {@code XATTR_CREATE} or {@code XATTR_REPLACE}.
     */
    public static void setxattr(byte[] path, byte[] name, ByteBuffer value, int flags) {
        XattrCalls.set(XattrCalls.setxattr(true), "setxattr", path, name, value, flags);
    }

    public static void lsetxattr(byte[] path, byte[] name, ByteBuffer value, int flags) {
        XattrCalls.set(XattrCalls.setxattr(false), "lsetxattr", path, name, value, flags);
    }

    public static void fsetxattr(int fd, byte[] name, ByteBuffer value, int flags) {
        XattrCalls.fset(fd, name, value, flags);
    }

    public static void removexattr(byte[] path, byte[] name) {
        XattrCalls.remove(XattrCalls.removexattr(true), "removexattr", path, name);
    }

    public static void lremovexattr(byte[] path, byte[] name) {
        XattrCalls.remove(XattrCalls.removexattr(false), "lremovexattr", path, name);
    }

    public static void fremovexattr(int fd, byte[] name) {
        XattrCalls.fremove(fd, name);
    }

    // ---- identity of the calling OS thread

    /**
     * {@code setfsuid(2)} for the calling OS thread only; returns the previous fsuid. It never
     * reports failure (an id it refuses just leaves the old one); use {@link #setfsuidChecked}, or
     * call again with -1, which changes nothing and returns the current id. Leaving fsuid 0 drops
     * the thread's file-system capabilities ({@code CAP_CHOWN}, {@code CAP_DAC_OVERRIDE}, ...).
     *
     * @throws IllegalStateException on a virtual thread
     */
    public static int setfsuid(int uid) {
        return IdentityCalls.setfsuid(uid);
    }

    /** {@link #setfsuid}, then true if the thread's fsuid now is {@code uid}. */
    public static boolean setfsuidChecked(int uid) {
        return IdentityCalls.setfsuidChecked(uid);
    }

    /** {@code setfsgid(2)} for the calling OS thread only; as {@link #setfsuid}. */
    public static int setfsgid(int gid) {
        return IdentityCalls.setfsgid(gid);
    }

    /** {@link #setfsgid}, then true if the thread's fsgid now is {@code gid}. */
    public static boolean setfsgidChecked(int gid) {
        return IdentityCalls.setfsgidChecked(gid);
    }

    /**
     * The raw {@code setgroups(2)} system call: the supplementary groups of the calling OS thread
     * only (glibc's {@code setgroups} would change every thread). Needs {@code CAP_SETGID}.
     *
     * @throws IllegalStateException on a virtual thread
     */
    public static void setgroupsThread(int[] gids) {
        IdentityCalls.setgroupsThread(gids);
    }

    public static int geteuid() {
        return IdentityCalls.geteuid();
    }

    public static int getegid() {
        return IdentityCalls.getegid();
    }

    // ---- user database (libc, NSS)

    /** {@code getpwnam_r(3)}; empty when there is no such user. */
    public static Optional<Passwd> getpwnam(byte[] name) {
        return IdentityCalls.getpwnam(name);
    }

    /** {@code getpwuid_r(3)}; empty when there is no such user. */
    public static Optional<Passwd> getpwuid(int uid) {
        return IdentityCalls.getpwuid(uid);
    }

    /** {@code getgrouplist(3)}: the groups of {@code user}, {@code gid} included. */
    public static int[] getgrouplist(byte[] user, int gid) {
        return IdentityCalls.getgrouplist(user, gid);
    }
}

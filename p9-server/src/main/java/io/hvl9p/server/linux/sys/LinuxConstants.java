package io.hvl9p.server.linux.sys;

/**
 * Linux constants for the calls in {@link Sys} that are the same on amd64 and aarch64 (the open
 * flags, which are not, are in {@link HostFlags}). Kept here, not in the callers, so there is one
 * place to check against the kernel headers.
 */
public final class LinuxConstants {
    private LinuxConstants() {}

    // <fcntl.h> *at() flags
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_REMOVEDIR = 0x200;
    public static final int AT_SYMLINK_FOLLOW = 0x400;
    public static final int AT_NO_AUTOMOUNT = 0x800;
    public static final int AT_EMPTY_PATH = 0x1000;
    public static final int AT_STATX_SYNC_AS_STAT = 0x0000;
    public static final int AT_STATX_FORCE_SYNC = 0x2000;
    public static final int AT_STATX_DONT_SYNC = 0x4000;

    // renameat2(2)
    public static final int RENAME_NOREPLACE = 1;
    public static final int RENAME_EXCHANGE = 2;
    public static final int RENAME_WHITEOUT = 4;

    // openat2(2) struct open_how.resolve
    public static final long RESOLVE_NO_XDEV = 0x01;
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_BENEATH = 0x08;
    public static final long RESOLVE_IN_ROOT = 0x10;
    public static final long RESOLVE_CACHED = 0x20;

    // statx(2) mask bits
    public static final int STATX_TYPE = 0x0001;
    public static final int STATX_MODE = 0x0002;
    public static final int STATX_NLINK = 0x0004;
    public static final int STATX_UID = 0x0008;
    public static final int STATX_GID = 0x0010;
    public static final int STATX_ATIME = 0x0020;
    public static final int STATX_MTIME = 0x0040;
    public static final int STATX_CTIME = 0x0080;
    public static final int STATX_INO = 0x0100;
    public static final int STATX_SIZE = 0x0200;
    public static final int STATX_BLOCKS = 0x0400;
    public static final int STATX_BASIC_STATS = 0x07ff;
    public static final int STATX_BTIME = 0x0800;
    public static final int STATX_MNT_ID = 0x1000;
    public static final int STATX_DIOALIGN = 0x2000;
    public static final int STATX_MNT_ID_UNIQUE = 0x4000;
    public static final int STATX_SUBVOL = 0x8000;
    public static final int STATX_ALL = 0x0fff;

    // <sys/stat.h> mode bits
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;
    public static final int S_ISUID = 04000;
    public static final int S_ISGID = 02000;
    public static final int S_ISVTX = 01000;

    // fcntl(2)
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int F_OFD_GETLK = 36;
    public static final int F_OFD_SETLK = 37;
    public static final int F_OFD_SETLKW = 38;
    public static final int F_RDLCK = 0;
    public static final int F_WRLCK = 1;
    public static final int F_UNLCK = 2;

    // lseek(2)
    public static final int SEEK_SET = 0;
    public static final int SEEK_CUR = 1;
    public static final int SEEK_END = 2;
    public static final int SEEK_DATA = 3;
    public static final int SEEK_HOLE = 4;

    // utimensat(2)
    public static final long UTIME_NOW = (1L << 30) - 1;
    public static final long UTIME_OMIT = (1L << 30) - 2;

    // setxattr(2)
    public static final int XATTR_CREATE = 1;
    public static final int XATTR_REPLACE = 2;

    // struct linux_dirent64.d_type
    public static final int DT_UNKNOWN = 0;
    public static final int DT_FIFO = 1;
    public static final int DT_CHR = 2;
    public static final int DT_DIR = 4;
    public static final int DT_BLK = 6;
    public static final int DT_REG = 8;
    public static final int DT_LNK = 10;
    public static final int DT_SOCK = 12;

    // struct statfs.f_flags (ST_VALID says the kernel filled them in)
    public static final long ST_RDONLY = 0x0001;
    public static final long ST_NOSUID = 0x0002;
    public static final long ST_NODEV = 0x0004;
    public static final long ST_NOEXEC = 0x0008;
    public static final long ST_SYNCHRONOUS = 0x0010;
    public static final long ST_VALID = 0x0020;
    public static final long ST_MANDLOCK = 0x0040;
    public static final long ST_NOATIME = 0x0400;
    public static final long ST_NODIRATIME = 0x0800;
    public static final long ST_RELATIME = 0x1000;
    public static final long ST_NOSYMFOLLOW = 0x2000;

    /** Longest path the kernel accepts, terminating NUL included. */
    public static final int PATH_MAX = 4096;
}

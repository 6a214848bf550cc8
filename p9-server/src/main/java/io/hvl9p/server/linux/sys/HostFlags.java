package io.hvl9p.server.linux.sys;

/**
 * The host kernel's {@code O_*} open flags. Most are the same on every Linux architecture, but
 * {@code O_DIRECTORY}, {@code O_NOFOLLOW}, {@code O_DIRECT} and {@code O_LARGEFILE} (and so {@code
 * O_TMPFILE}) differ between amd64 and aarch64, so 9P's {@code P9_DOTL_*} flags (which are amd64's)
 * must be translated through these and never passed on as they are.
 *
 * <p>These are the kernel's values. glibc defines {@code O_LARGEFILE} as 0 on 64-bit hosts because
 * the kernel forces it there; the kernel value is what {@code F_GETFL} and {@code /proc/self/fdinfo}
 * report.
 */
public final class HostFlags {
    private HostFlags() {}

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_ACCMODE = 03;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DSYNC = 010000;
    public static final int O_DIRECT = Arch.AARCH64 ? 0200000 : 040000;
    public static final int O_LARGEFILE = Arch.AARCH64 ? 0400000 : 0100000;
    public static final int O_DIRECTORY = Arch.AARCH64 ? 040000 : 0200000;
    public static final int O_NOFOLLOW = Arch.AARCH64 ? 0100000 : 0400000;
    public static final int O_NOATIME = 01000000;
    public static final int O_CLOEXEC = 02000000;
    /** {@code __O_SYNC | O_DSYNC}, as the kernel and glibc define it. */
    public static final int O_SYNC = 04000000 | O_DSYNC;

    public static final int O_PATH = 010000000;
    /** {@code __O_TMPFILE | O_DIRECTORY}, as the kernel and glibc define it. */
    public static final int O_TMPFILE = 020000000 | O_DIRECTORY;
}

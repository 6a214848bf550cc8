package io.hvl9p.server.linux.sys;

/**
 * The result of {@code statx(2)}: Linux's {@code struct statx}, field for field, with the
 * timestamps split into seconds and nanoseconds. {@code statx} rather than {@code fstatat} because it
 * reports birth time and what it actually filled in ({@link #mask()}), and because 9P's {@code
 * Tgetattr} asks for fields by a mask of the same shape.
 *
 * <p>The unsigned 32-bit kernel fields ({@code mask}, {@code blksize}, {@code nlink}, {@code uid},
 * {@code gid}, the device numbers) are Java {@code int}s holding the same bits; use {@link
 * Integer#toUnsignedLong(int)} where the sign matters. {@code mode} holds the type bits ({@code
 * S_IFMT}) as well as the permissions.
 */
public record Statx(
        int mask,
        int blksize,
        long attributes,
        int nlink,
        int uid,
        int gid,
        int mode,
        long ino,
        long size,
        long blocks,
        long attributesMask,
        long atimeSec,
        int atimeNsec,
        long btimeSec,
        int btimeNsec,
        long ctimeSec,
        int ctimeNsec,
        long mtimeSec,
        int mtimeNsec,
        int rdevMajor,
        int rdevMinor,
        int devMajor,
        int devMinor) {

    /** The device of the file system, encoded as Linux's {@code new_encode_dev} (what stat reports). */
    public long dev() {
        return encodeDev(devMajor, devMinor);
    }

    /** The device a device special file stands for, encoded as {@link #dev()}. */
    public long rdev() {
        return encodeDev(rdevMajor, rdevMinor);
    }

    /** {@code (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)} on unsigned values. */
    static long encodeDev(int major, int minor) {
        long maj = Integer.toUnsignedLong(major);
        long min = Integer.toUnsignedLong(minor);
        return (min & 0xff) | (maj << 8) | ((min & ~0xffL) << 12);
    }

    public boolean isDirectory() {
        return (mode & LinuxConstants.S_IFMT) == LinuxConstants.S_IFDIR;
    }

    public boolean isRegular() {
        return (mode & LinuxConstants.S_IFMT) == LinuxConstants.S_IFREG;
    }

    public boolean isSymlink() {
        return (mode & LinuxConstants.S_IFMT) == LinuxConstants.S_IFLNK;
    }
}

package io.hvl9p.server.linux.sys;

/**
 * The result of {@code fstatfs(2)}: Linux's {@code struct statfs} on 64-bit hosts, which 9P's {@code
 * Rstatfs} mirrors. Block and inode counts are unsigned 64-bit values in Java {@code long}s.
 *
 * @param type the file system magic number, e.g. {@code 0xEF53} for ext4
 * @param bsize the optimal transfer block size
 * @param fsid {@code f_fsid}'s two 32-bit words as one number, the first word in the high half (the
 *     order {@code stat -f} prints it in)
 * @param frsize the fragment (fundamental block) size, the unit of the block counts
 * @param flags the mount flags ({@code ST_*} in {@link LinuxConstants}), with {@code ST_VALID} set
 */
public record StatFs(
        long type,
        long bsize,
        long blocks,
        long bfree,
        long bavail,
        long files,
        long ffree,
        long fsid,
        long namelen,
        long frsize,
        long flags) {}

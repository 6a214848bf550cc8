package io.hvl9p.server.linux.sys;

/**
 * Receives the entries {@link Sys#parseDirents} finds in a {@code getdents64} buffer, one call per
 * {@code struct linux_dirent64}. A callback rather than a list so a 9P {@code Treaddir} can stop as
 * soon as its reply is full, and resume later from the last {@code off} it took.
 */
@FunctionalInterface
public interface DirentConsumer {
    /**
     * @param ino the inode number
     * @param off the directory offset of the NEXT entry (seek there with {@code lseek} to resume
     *     after this one)
     * @param type {@code DT_*} in {@link LinuxConstants}; {@code DT_UNKNOWN} on some file systems
     * @param name the name, without the NUL; a fresh array the consumer may keep
     * @return true to go on to the next entry, false to stop
     */
    boolean accept(long ino, long off, int type, byte[] name);
}

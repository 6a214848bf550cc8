package io.hvl9p.server.linux.sys;

/**
 * A byte-range lock as in Linux's {@code struct flock}, for open file description ({@code F_OFD_*})
 * locks. OFD locks rather than classic POSIX locks because they belong to the open file, not to the
 * process, so locks taken for different 9P clients through different descriptors of one file
 * conflict with each other, and closing one descriptor does not drop the locks of the others.
 *
 * @param type {@code F_RDLCK}, {@code F_WRLCK} or {@code F_UNLCK}
 * @param whence {@code SEEK_SET}, {@code SEEK_CUR} or {@code SEEK_END}
 * @param start the first byte, relative to {@code whence}
 * @param len the number of bytes; 0 means to the end of the file, however far it grows
 * @param pid ignored on input (OFD locks require 0, which is always passed); on output from {@code
 *     F_OFD_GETLK}, -1 when the conflicting lock is an OFD lock
 */
public record Flock(int type, int whence, long start, long len, int pid) {}

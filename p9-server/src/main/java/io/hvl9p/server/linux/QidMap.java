package io.hvl9p.server.linux;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * qid.path from (device, inode): unique and stable per file within an export, also when the
 * export spans several file systems (bind mounts, sub-volumes), where bare inode numbers collide
 * (the multidevs problem QEMU warns about; Linux ≥ 6.8 aliases inodes by qid.path alone).
 *
 * <ul>
 *   <li>the export root's device, inode below 2^62: the inode itself (what diod reports);
 *   <li>another device, inode below 2^48: {@code 01} in the top two bits, a 12-bit device index,
 *       the inode;
 *   <li>anything else: {@code 11} in the top two bits and a number handed out once per file.
 * </ul>
 */
final class QidMap {
    private final long rootDev;
    private final ConcurrentHashMap<Long, Long> devIndex = new ConcurrentHashMap<>();
    private final AtomicLong nextDev = new AtomicLong(1);
    private final ConcurrentHashMap<Key, Long> overflow = new ConcurrentHashMap<>();
    private final AtomicLong nextOverflow = new AtomicLong(1);

    private record Key(long dev, long ino) {}

    QidMap(long rootDev) {
        this.rootDev = rootDev;
    }

    long path(long dev, long ino) {
        if (dev == rootDev && (ino >>> 62) == 0) {
            return ino;
        }
        if ((ino >>> 48) == 0) {
            long idx = devIndex.computeIfAbsent(dev, d -> nextDev.getAndIncrement());
            if (idx < (1 << 12)) {
                return (1L << 62) | (idx << 48) | ino;
            }
        }
        return (3L << 62) | overflow.computeIfAbsent(new Key(dev, ino), k -> nextOverflow.getAndIncrement());
    }
}

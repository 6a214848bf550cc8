package io.hvl9p.server.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** qid.path from (device, inode): stable per file, unique across devices and for any inode. */
class QidMapTest {
    private static final long ROOT = 0xfe00L;
    private static final long[] INODES = {
        0,
        1,
        2,
        12345,
        (1L << 31),
        (1L << 32) + 7,
        (1L << 48) - 1,
        1L << 48,
        (1L << 48) + 1,
        (1L << 62) - 1,
        1L << 62,
        (1L << 62) + 1,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        -2,
        -1
    };

    private record Key(long dev, long ino) {}

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 2, 12345, (1L << 48) + 3, (1L << 62) - 1})
    void theRootDevicesInodesBelow2To62AreTheirOwnPath(long ino) {
        QidMap m = new QidMap(ROOT);
        assertThat(m.path(ROOT, ino)).isEqualTo(ino);
    }

    @Test
    void theSameFileGetsTheSamePathEveryTime() {
        QidMap m = new QidMap(ROOT);
        Map<Key, Long> first = new HashMap<>();
        long[] devs = {ROOT, 0x801, 0x802, 0};
        for (long dev : devs) {
            for (long ino : INODES) {
                first.put(new Key(dev, ino), m.path(dev, ino));
            }
        }
        for (int round = 0; round < 3; round++) {
            for (long dev : devs) {
                for (long ino : INODES) {
                    assertThat(m.path(dev, ino)).as("dev %x ino %x", dev, ino).isEqualTo(first.get(new Key(dev, ino)));
                }
            }
        }
    }

    @Test
    void theSameInodeOnDifferentDevicesGetsDifferentPaths() {
        QidMap m = new QidMap(ROOT);
        for (long ino : INODES) {
            List<Long> paths = new ArrayList<>();
            for (long dev : new long[] {ROOT, 0x801, 0x802, 0x10000, 0}) {
                paths.add(m.path(dev, ino));
            }
            assertThat(paths).as("ino %x", ino).doesNotHaveDuplicates();
        }
    }

    @Test
    void everyFileOfManyDevicesAndHugeInodesIsUnique() {
        QidMap m = new QidMap(ROOT);
        Map<Long, Key> seen = new HashMap<>();
        // More devices than the 12-bit index holds: the rest overflow into numbers handed out.
        for (long dev = 0; dev < 5000; dev++) {
            for (long ino : INODES) {
                Key k = new Key(dev == 0 ? ROOT : dev + 0x1_0000, ino);
                Key clash = seen.put(m.path(k.dev(), k.ino()), k);
                assertThat(clash).as("path of %s", k).isNull();
            }
        }
        assertThat(seen).hasSize(5000 * INODES.length);
    }

    @Test
    void concurrentLookupsAgree() throws InterruptedException {
        QidMap m = new QidMap(ROOT);
        Map<Key, Long> answers = new ConcurrentHashMap<>();
        List<AssertionError> failures = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = IntStream.range(0, 8)
                .mapToObj(t -> Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        for (long dev = 1; dev < 200; dev++) {
                            for (long ino : INODES) {
                                Key k = new Key(dev, ino);
                                long p = m.path(dev, ino);
                                Long prior = answers.putIfAbsent(k, p);
                                if (prior != null && prior != p) {
                                    throw new AssertionError(k + ": " + prior + " then " + p);
                                }
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (AssertionError e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }))
                .toList();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(answers.values()).doesNotHaveDuplicates();
    }
}

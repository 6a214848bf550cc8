package io.hvl9p.server.escape;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.client.P9ErrorException;
import io.hvl9p.server.linux.sys.LinuxConstants;
import io.hvl9p.server.linux.sys.Sys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The classic time-of-check/time-of-use attack: a host thread swaps export/d between a real
 * directory and a symlink to outside/ (renameat2 RENAME_EXCHANGE, so d always exists) in a tight
 * loop while the client walks to d, then opens, lists, creates, makes directories and writes
 * through it. Each request acts on the descriptor the walk produced, never on the name again, so
 * every file lands in the real directory (wherever it is named now) and nothing appears in or
 * changes in outside/. When the walk caught the symlink, the requests are ENOTDIR (create-type),
 * ELOOP (open) or a partial walk.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EscapeSwapRaceTest extends Sandbox {
    private static final int ITERATIONS = 5_000;

    private Path real;

    @Override
    void populate() throws Exception {
        real = Files.createDirectory(export.resolve("d"));
        Files.writeString(real.resolve("inside.txt"), "inside\n");
    }

    @ParameterizedTest(name = "symlink to {0}")
    @ValueSource(strings = {"absolute", "../outside"})
    void directorySwappedForSymlinkToOutsideBetweenWalkAndOpenOrCreate(String target) throws Exception {
        Path link = export.resolve("d.swap");
        Files.createSymbolicLink(link, target.equals("absolute") ? outside : Path.of(target));
        Client c = connect();
        Fid root = c.attach("a", ROOT);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong swaps = new AtomicLong();
        AtomicReference<Throwable> flipperFailed = new AtomicReference<>();
        byte[] d = b(export.resolve("d"));
        byte[] alt = b(link);
        Thread flipper = Thread.ofPlatform().name("swap-d").start(() -> {
            try {
                while (!stop.get()) {
                    Sys.renameat2(
                            LinuxConstants.AT_FDCWD, d, LinuxConstants.AT_FDCWD, alt, LinuxConstants.RENAME_EXCHANGE);
                    swaps.incrementAndGet();
                }
            } catch (Throwable t) {
                flipperFailed.set(t);
            }
        });
        int sawDir = 0;
        int sawLink = 0;
        int created = 0;
        try {
            for (int i = 0; i < ITERATIONS; i++) {
                Fid dir = c.p9.newFid();
                Qid q = c.walkRaw(root, dir, "d").qids().getFirst();
                if (q.type() == Qid.QTDIR) {
                    sawDir++;
                } else {
                    assertThat(q.type()).isEqualTo(Qid.QTSYMLINK);
                    sawLink++;
                }
                created += createAndWrite(c, dir, "f" + i);
                listing(c, dir);
                mkdir(c, dir, "m" + i);
                walkThroughD(c, root);
                c.clunk(dir);
            }
        } finally {
            stop.set(true);
            flipper.join();
        }
        assertThat(flipperFailed.get()).isNull();
        assertThat(swaps.get()).as("swaps made while the client ran").isGreaterThan(ITERATIONS);
        assertThat(sawDir).as("walks that found the directory").isPositive();
        assertThat(sawLink)
                .as("walks that found the symlink (the race was real)")
                .isPositive();
        // Everything the client made is in the real directory, whichever name it has now.
        Path nowReal = Files.isDirectory(export.resolve("d"), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                ? export.resolve("d")
                : link;
        try (Stream<Path> s = Files.list(nowReal)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertThat(names.stream().filter(n -> n.startsWith("f"))).hasSize(created);
        }
        assertThat(nowReal.resolve("inside.txt")).hasContent("inside");
    }

    /** Tlcreate + Twrite through the walked fid: created in the real directory, or ENOTDIR. */
    private static int createAndWrite(Client c, Fid dir, String name) throws Exception {
        Fid f = c.clone(dir);
        try {
            c.lcreate(f, name, OpenFlags.RDWR | OpenFlags.CREATE, 0644, 0);
            c.write(f, 0, "written through d\n");
            return 1;
        } catch (P9ErrorException e) {
            assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.ENOTDIR);
            return 0;
        } finally {
            c.clunk(f);
        }
    }

    /** Tlopen + Treaddir through the walked fid: the real directory's entries, or ELOOP. */
    private static void listing(Client c, Fid dir) throws Exception {
        try {
            List<String> names = c.list(dir);
            assertThat(names).contains("inside.txt").doesNotContain("canary.txt", "canary-dir");
        } catch (P9ErrorException e) {
            assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.ELOOP);
        }
    }

    private static void mkdir(Client c, Fid dir, String name) throws Exception {
        try {
            c.mkdir(dir, name, 0755, 0);
        } catch (P9ErrorException e) {
            assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.ENOTDIR);
        }
    }

    /**
     * Twalk d/canary.txt and d/inside.txt in one request each: the first never walks fully (the
     * real d has no canary.txt, and the symlink is not followed); the second, when it works,
     * opens and writes the real file.
     */
    private static void walkThroughD(Client c, Fid root) throws Exception {
        Fid nf = c.p9.newFid();
        RMessage.Rwalk w = c.walkRaw(root, nf, "d", "canary.txt");
        assertThat(w.qids()).as("walk d/canary.txt").hasSize(1);
        Fid in = c.p9.newFid();
        if (c.walkRaw(root, in, "d", "inside.txt").qids().size() == 2) {
            c.lopen(in, OpenFlags.WRONLY);
            c.write(in, 0, "inside\n");
            c.clunk(in);
        }
    }
}

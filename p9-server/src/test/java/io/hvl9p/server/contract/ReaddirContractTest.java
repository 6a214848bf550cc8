package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Dirent;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Treaddir: every entry once, with the host's inode and type, across replies of any size;
 * cookies that resume where they were taken; no empty reply while entries are left.
 */
class ReaddirContractTest extends ContractTest {
    /** 24 + 10: the size of one "entry-NNNN" dirent. */
    private static final int ENTRY = 34;

    private static String entry(int i) {
        return "entry-%04d".formatted(i);
    }

    private void makeEntries(Path dir, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            Files.createFile(dir.resolve(entry(i)));
        }
    }

    private static Set<String> hostNames(Path dir) throws IOException {
        Set<String> names = new TreeSet<>(Set.of(".", ".."));
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    private static List<String> names(List<Dirent> ds) {
        return ds.stream().map(TestClient::name).toList();
    }

    private static int dtype(Path p) {
        return switch (Host.mode(p) & 0170000) {
            case 0040000 -> Dirent.DT_DIR;
            case 0120000 -> Dirent.DT_LNK;
            case 0010000 -> Dirent.DT_FIFO;
            default -> Dirent.DT_REG;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sub"})
    void everyEntryWithDotAndDotDotAndTheHostsInodeAndType(String dirName) throws IOException {
        Path dir = dirName.isEmpty() ? export : Files.createDirectory(host(dirName));
        Files.writeString(dir.resolve("file"), "x");
        Files.createDirectory(dir.resolve("dir"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("file"));
        Host.sh("mkfifo", dir.resolve("fifo").toString());
        Fid f = c.open(dirName, OpenFlags.RDONLY);
        List<Dirent> all = c.readdirAll(f, 8192);
        assertThat(names(all)).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(names(all))).isEqualTo(hostNames(dir));
        for (Dirent d : all) {
            String n = TestClient.name(d);
            Path p = n.equals("..")
                    ? (dirName.isEmpty() ? export : export)
                    : dir.resolve(n).normalize();
            assertThat(d.type()).as("type of %s", n).isEqualTo(dtype(p));
            assertThat(d.qid().type())
                    .as("qid type of %s", n)
                    .isEqualTo(
                            d.type() == Dirent.DT_DIR
                                    ? Qid.QTDIR
                                    : d.type() == Dirent.DT_LNK ? Qid.QTSYMLINK : Qid.QTFILE);
            if (backend.qidPathIsInode()) {
                assertThat(d.qid().path()).as("qid path of %s", n).isEqualTo(Host.ino(p));
            }
        }
    }

    @Test
    void twoThousandEntriesExactlyOnceInSmallReplies() throws IOException {
        makeEntries(export, 2000);
        Fid f = c.open("", OpenFlags.RDONLY);
        int count = 3 * ENTRY + 10; // three entries fit, four do not
        List<String> seen = new ArrayList<>();
        long cookie = 0;
        int calls = 0;
        while (true) {
            List<Dirent> page = c.readdir(f, cookie, count);
            calls++;
            if (page.isEmpty()) {
                break;
            }
            int size = page.stream().mapToInt(Dirent::encodedSize).sum();
            assertThat(size).as("reply size").isLessThanOrEqualTo(count);
            assertThat(page).hasSizeLessThanOrEqualTo(3);
            seen.addAll(names(page));
            cookie = page.getLast().offset();
        }
        assertThat(seen).hasSize(2002).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(seen)).isEqualTo(hostNames(export));
        assertThat(calls).isGreaterThanOrEqualTo(2002 / 3 + 1);
    }

    @Test
    void aCookieResumesRightAfterTheEntryItCameWith() throws IOException {
        makeEntries(export, 300);
        Fid f = c.open("", OpenFlags.RDONLY);
        List<Dirent> first = c.readdirAll(f, 5 * ENTRY);
        for (int k : new int[] {0, 1, 2, 150, 298, 300}) {
            List<Dirent> rest = new ArrayList<>();
            long cookie = first.get(k).offset();
            for (List<Dirent> page; !(page = c.readdir(f, cookie, 7 * ENTRY)).isEmpty(); ) {
                rest.addAll(page);
                cookie = page.getLast().offset();
            }
            assertThat(names(rest)).as("after entry %d", k).isEqualTo(names(first.subList(k + 1, first.size())));
        }
        // Cookie 0 starts over, on a second fid too.
        assertThat(names(c.readdirAll(f, 8192))).isEqualTo(names(first));
        assertThat(names(c.readdirAll(c.open("", OpenFlags.RDONLY), 100))).isEqualTo(names(first));
        // A cookie outlives the fid it came from (the client reopens and resumes).
        Fid reopened = c.open("", OpenFlags.RDONLY);
        c.clunk(f);
        List<Dirent> resumed = c.readdir(reopened, first.get(149).offset(), 8192);
        assertThat(names(resumed)).isEqualTo(names(first.subList(150, 150 + resumed.size())));
        f = reopened;
        // The end stays the end.
        assertThat(c.readdir(f, first.getLast().offset(), 8192)).isEmpty();
        assertThat(c.readdir(f, first.getLast().offset(), 8192)).isEmpty();
    }

    @Test
    void aCountTooSmallForTheNextEntryIsEinvalNotAnEmptyReply() throws IOException {
        makeEntries(export, 10);
        Fid f = c.open("", OpenFlags.RDONLY);
        List<Dirent> all = c.readdirAll(f, 8192);
        for (int k = 0; k < 4; k++) {
            long cookie = k == 0 ? 0 : all.get(k - 1).offset();
            int size = all.get(k).encodedSize();
            for (int count : new int[] {0, 1, 23, size - 1}) {
                c.expectErrno(Errno.EINVAL, new TMessage.Treaddir(f, cookie, count));
            }
            // Exactly its size: that entry alone.
            assertThat(c.readdir(f, cookie, size)).containsExactly(all.get(k));
        }
    }

    @Test
    void aReplyIsClampedToMsizeAndFilled() throws IOException {
        makeEntries(export, 2000);
        TestClient d = fx.client(fx.main(), 8192, "main");
        Fid f = d.open("", OpenFlags.RDONLY);
        List<Dirent> page = d.readdir(f, 0, 1 << 20);
        int size = page.stream().mapToInt(Dirent::encodedSize).sum();
        assertThat(size).isLessThanOrEqualTo(8192 - 11).isGreaterThan(8192 - 11 - ENTRY);
    }

    @Test
    void entriesAddedAndRemovedBetweenCallsDoNotDuplicateTheOthers() throws IOException {
        makeEntries(export, 400);
        Fid f = c.open("", OpenFlags.RDONLY);
        List<String> seen = new ArrayList<>();
        long cookie = 0;
        while (seen.size() < 200) {
            List<Dirent> page = c.readdir(f, cookie, 4 * ENTRY);
            seen.addAll(names(page));
            cookie = page.getLast().offset();
        }
        Set<String> before = new HashSet<>(seen);
        int removedRead = 0;
        int removedUnread = 0;
        for (int i = 0; i < 400 && (removedRead < 30 || removedUnread < 30); i++) {
            String n = entry(i);
            boolean read = before.contains(n);
            if (read ? removedRead++ < 30 : removedUnread++ < 30) {
                Files.delete(host(n));
            }
        }
        for (int i = 0; i < 50; i++) {
            Files.createFile(host("added-" + i));
        }
        for (List<Dirent> page; !(page = c.readdir(f, cookie, 4 * ENTRY)).isEmpty(); ) {
            seen.addAll(names(page));
            cookie = page.getLast().offset();
        }
        assertThat(seen).doesNotHaveDuplicates();
        Set<String> mustSee = new TreeSet<>(hostNames(export));
        mustSee.removeIf(n -> n.startsWith("added-"));
        assertThat(seen).as("every entry that was there throughout").containsAll(mustSee);
    }

    @Test
    void readdirNeedsAnOpenedDirectory() throws IOException {
        makeEntries(export, 3);
        c.expectErrno(Errno.EBADF, new TMessage.Treaddir(c.walk(""), 0, 8192));
    }
}

package io.hvl9p.server.linux.sys;

import static io.hvl9p.server.linux.sys.HostFlags.*;
import static io.hvl9p.server.linux.sys.LinuxConstants.*;
import static io.hvl9p.server.linux.sys.TestSupport.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.protocol.Errno;
import io.hvl9p.server.linux.sys.TestSupport.Fds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** getdents64 and the linux_dirent64 parser against Files.list. */
@ExtendWith(FdLeakCheck.class)
class SysDirentsTest {
    @TempDir
    Path dir;

    record Entry(long ino, long off, int type, String name) {}

    /** Every entry of the directory open at {@code fd}, read with {@code buf} until the end. */
    private static List<Entry> readAll(int fd, ByteBuffer buf) {
        List<Entry> all = new ArrayList<>();
        for (; ; ) {
            buf.clear();
            int n = Sys.getdents64(fd, buf);
            assertThat(buf.position()).isEqualTo(n);
            if (n == 0) return all;
            buf.flip();
            Sys.parseDirents(
                    buf,
                    n,
                    (ino, off, type, name) ->
                            all.add(new Entry(ino, off, type, new String(name, StandardCharsets.UTF_8))));
            assertThat(buf.position()).isZero();
        }
    }

    private Set<String> javaNames() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void listingMatchesFilesListWithTypesAndInodes() throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("file"));
        for (ByteBuffer buf : List.of(ByteBuffer.allocate(4096), ByteBuffer.allocateDirect(4096))) {
            try (Fds fds = new Fds()) {
                int fd = fds.open(dir, O_RDONLY | O_DIRECTORY);
                List<Entry> entries = readAll(fd, buf);
                Set<String> expected = new HashSet<>(javaNames());
                expected.addAll(Set.of(".", ".."));
                assertThat(entries).extracting(Entry::name).containsExactlyInAnyOrderElementsOf(expected);
                Map<String, Entry> byName = new HashMap<>();
                entries.forEach(e -> byName.put(e.name(), e));
                assertThat(byName.get("file").type()).isEqualTo(DT_REG);
                assertThat(byName.get("sub").type()).isEqualTo(DT_DIR);
                assertThat(byName.get("link").type()).isEqualTo(DT_LNK);
                assertThat(byName.get(".").type()).isEqualTo(DT_DIR);
                for (String n : List.of("file", "sub", "link")) {
                    assertThat(byName.get(n).ino())
                            .isEqualTo(Files.getAttribute(dir.resolve(n), "unix:ino", LinkOption.NOFOLLOW_LINKS));
                }
                assertThat(byName.get(".").ino()).isEqualTo(Files.getAttribute(dir, "unix:ino"));
            }
        }
    }

    @Test
    void largeDirectoryTakesManyCallsAndResumesFromAnOffset() throws Exception {
        for (int i = 0; i < 300; i++) {
            Files.createFile(dir.resolve("entry-with-a-long-name-" + "x".repeat(i % 40) + "-" + i));
        }
        Files.createFile(dir.resolve(new String(new byte[] {'n', (byte) 0xc3, (byte) 0xa9}, StandardCharsets.UTF_8)));
        try (Fds fds = new Fds()) {
            int fd = fds.open(dir, O_RDONLY | O_DIRECTORY);
            List<Entry> all = readAll(fd, ByteBuffer.allocate(1024));
            assertThat(all).hasSize(303);
            Set<String> expected = new HashSet<>(javaNames());
            expected.addAll(Set.of(".", ".."));
            assertThat(all).extracting(Entry::name).containsExactlyInAnyOrderElementsOf(expected);

            // stop after 10 entries, seek to the offset of the 10th, read the rest
            Sys.lseek(fd, 0, SEEK_SET);
            ByteBuffer buf = ByteBuffer.allocate(32768);
            int n = Sys.getdents64(fd, buf);
            buf.flip();
            List<Entry> first = new ArrayList<>();
            Sys.parseDirents(buf, n, (ino, off, type, name) -> {
                first.add(new Entry(ino, off, type, new String(name, StandardCharsets.UTF_8)));
                return first.size() < 10;
            });
            assertThat(first).hasSize(10);
            assertThat(Sys.lseek(fd, first.get(9).off(), SEEK_SET))
                    .isEqualTo(first.get(9).off());
            List<Entry> rest = readAll(fd, ByteBuffer.allocate(4096));
            List<Entry> joined = new ArrayList<>(first);
            joined.addAll(rest);
            assertThat(joined).containsExactlyElementsOf(all);
        }
    }

    @Test
    void parserReadsFromThePositionAndRejectsGarbage() throws Exception {
        Files.createFile(dir.resolve("only"));
        try (Fds fds = new Fds()) {
            int fd = fds.open(dir, O_RDONLY | O_DIRECTORY);
            ByteBuffer buf = ByteBuffer.allocate(4096);
            buf.position(100);
            int n = Sys.getdents64(fd, buf);
            assertThat(n).isPositive();
            assertThat(buf.position()).isEqualTo(100 + n);
            buf.flip().position(100);
            Set<String> names = new HashSet<>();
            Sys.parseDirents(buf, n, (ino, off, type, name) -> names.add(new String(name, StandardCharsets.UTF_8)));
            assertThat(names).containsExactlyInAnyOrder(".", "..", "only");

            ByteBuffer bad = ByteBuffer.allocate(32); // d_reclen 0
            assertThatThrownBy(() -> Sys.parseDirents(bad, 32, (i, o, t, nm) -> true))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Sys.parseDirents(bad, 33, (i, o, t, nm) -> true))
                    .isInstanceOf(IndexOutOfBoundsException.class);

            Sys.lseek(fd, 0, SEEK_SET); // at the end a short buffer is no error: there is nothing to fit
            assertErrno(Errno.EINVAL, () -> Sys.getdents64(fd, ByteBuffer.allocate(8)));
            int file = fds.open(dir.resolve("only"), O_RDONLY);
            assertErrno(Errno.ENOTDIR, () -> Sys.getdents64(file, ByteBuffer.allocate(4096)));
            int opath = fds.open(dir, O_PATH | O_DIRECTORY);
            assertErrno(Errno.EBADF, () -> Sys.getdents64(opath, ByteBuffer.allocate(4096)));
        }
    }
}

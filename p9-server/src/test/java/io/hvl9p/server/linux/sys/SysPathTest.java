package io.hvl9p.server.linux.sys;

import static io.hvl9p.server.linux.sys.HostFlags.*;
import static io.hvl9p.server.linux.sys.LinuxConstants.*;
import static io.hvl9p.server.linux.sys.TestSupport.EMPTY;
import static io.hvl9p.server.linux.sys.TestSupport.assertErrno;
import static io.hvl9p.server.linux.sys.TestSupport.b;
import static io.hvl9p.server.linux.sys.TestSupport.sh;
import static io.hvl9p.server.linux.sys.TestSupport.umask;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.server.linux.sys.TestSupport.Fds;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Metadata changes and directory entries, checked through java.nio.file and stat(1). */
@ExtendWith(FdLeakCheck.class)
class SysPathTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path dir;

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void fchmodatByPathAndThroughProcForOPath() throws Exception {
        Path f = file("f", "x");
        Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
        try (Fds fds = new Fds()) {
            int d = fds.open(dir, O_PATH | O_DIRECTORY);
            Sys.fchmodat(d, b("f"), 04751, 0);
            assertThat(Files.getAttribute(f, "unix:mode")).isEqualTo(S_IFREG | 04751);
            // glibc: symlinks have no mode of their own, and AT_EMPTY_PATH is not a flag fchmodat takes
            assertErrno(Errno.EOPNOTSUPP, () -> Sys.fchmodat(d, b("l"), 0600, AT_SYMLINK_NOFOLLOW));
            int fd = fds.open(f, O_PATH);
            assertErrno(Errno.EINVAL, () -> Sys.fchmodat(fd, EMPTY, 0600, AT_EMPTY_PATH));
            Sys.fchmodat(AT_FDCWD, Sys.procFdPath(fd), 0604, 0);
            assertThat(Files.getAttribute(f, "unix:mode")).isEqualTo(S_IFREG | 0604);
            assertErrno(Errno.ENOENT, () -> Sys.fchmodat(d, b("none"), 0600, 0));
        }
    }

    @Test
    void fchownatByPathEmptyPathAndNoFollow() throws Exception {
        Path f = file("f", "x");
        Path l = Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
        try (Fds fds = new Fds()) {
            int d = fds.open(dir, O_PATH | O_DIRECTORY);
            Sys.fchownat(d, b("f"), 1234, 5678, 0);
            assertThat(Files.getAttribute(f, "unix:uid")).isEqualTo(1234);
            assertThat(Files.getAttribute(f, "unix:gid")).isEqualTo(5678);
            Sys.fchownat(d, b("f"), -1, 42, 0);
            assertThat(Files.getAttribute(f, "unix:uid")).isEqualTo(1234);
            assertThat(Files.getAttribute(f, "unix:gid")).isEqualTo(42);

            Sys.fchownat(d, b("l"), 7, 8, AT_SYMLINK_NOFOLLOW);
            assertThat(Files.getAttribute(l, "unix:uid", NOFOLLOW)).isEqualTo(7);
            assertThat(Files.getAttribute(f, "unix:uid")).isEqualTo(1234);

            int fd = fds.open(f, O_PATH);
            Sys.fchownat(fd, EMPTY, 99, 98, AT_EMPTY_PATH);
            assertThat(sh("stat", "-c", "%u:%g", f.toString())).isEqualTo("99:98");
            // an O_PATH|O_NOFOLLOW fd is the symlink itself, AT_SYMLINK_NOFOLLOW or not
            int lfd = fds.open(l, O_PATH | O_NOFOLLOW);
            Sys.fchownat(lfd, EMPTY, 55, 56, AT_EMPTY_PATH);
            assertThat(sh("stat", "-c", "%u:%g", l.toString())).isEqualTo("55:56");
            assertThat(Files.getAttribute(f, "unix:uid")).isEqualTo(99);
            assertErrno(Errno.ENOENT, () -> Sys.fchownat(fd, EMPTY, 0, 0, 0));
        }
    }

    @Test
    void utimensatSetsOmitsAndNows() throws Exception {
        Path f = file("f", "x");
        Path l = Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
        try (Fds fds = new Fds()) {
            int d = fds.open(dir, O_PATH | O_DIRECTORY);
            Sys.utimensat(d, b("f"), 1_000_000_000L, 1, 1_500_000_000L, 999_999_999, 0);
            assertThat(Files.getLastModifiedTime(f)).isEqualTo(time(1_500_000_000L, 999_999_999));
            assertThat(Files.getAttribute(f, "lastAccessTime")).isEqualTo(time(1_000_000_000L, 1));

            Sys.utimensat(d, b("f"), 5, UTIME_OMIT, 1_600_000_000L, 0, 0);
            assertThat(Files.getAttribute(f, "lastAccessTime")).isEqualTo(time(1_000_000_000L, 1));
            assertThat(Files.getLastModifiedTime(f)).isEqualTo(time(1_600_000_000L, 0));

            long before = System.currentTimeMillis() / 1000 - 2;
            int fd = fds.open(f, O_PATH);
            Sys.utimensat(fd, EMPTY, 0, UTIME_OMIT, 0, UTIME_NOW, AT_EMPTY_PATH);
            assertThat(Files.getLastModifiedTime(f).to(TimeUnit.SECONDS)).isBetween(before, before + 60);
            assertThat(Files.getAttribute(f, "lastAccessTime")).isEqualTo(time(1_000_000_000L, 1));

            Sys.utimensat(d, b("l"), 0, UTIME_OMIT, 1_234_567_890L, 0, AT_SYMLINK_NOFOLLOW);
            assertThat(Files.getLastModifiedTime(l, NOFOLLOW)).isEqualTo(time(1_234_567_890L, 0));
            assertThat(Files.getLastModifiedTime(f).to(TimeUnit.SECONDS)).isBetween(before, before + 60);
            assertErrno(Errno.EINVAL, () -> Sys.utimensat(d, b("f"), 0, 1_000_000_000L, 0, 0, 0));
        }
    }

    private static FileTime time(long sec, long nsec) {
        return FileTime.from(Instant.ofEpochSecond(sec, nsec));
    }

    @Test
    void mkdiratAndUnlinkat() throws Exception {
        file("f", "x");
        try (Fds fds = new Fds()) {
            int d = fds.open(dir, O_PATH | O_DIRECTORY);
            Sys.mkdirat(d, b("sub"), 0750);
            assertThat(Files.getAttribute(dir.resolve("sub"), "unix:mode")).isEqualTo(S_IFDIR | (0750 & ~umask()));
            assertErrno(Errno.EEXIST, () -> Sys.mkdirat(d, b("sub"), 0750));
            assertErrno(Errno.ENOENT, () -> Sys.mkdirat(d, b("no/sub"), 0750));
            assertErrno(Errno.ENOTDIR, () -> Sys.mkdirat(d, b("f/sub"), 0750));
            Files.writeString(dir.resolve("sub/inner"), "x");

            assertErrno(Errno.EISDIR, () -> Sys.unlinkat(d, b("sub"), 0));
            assertErrno(Errno.ENOTEMPTY, () -> Sys.unlinkat(d, b("sub"), AT_REMOVEDIR));
            assertErrno(Errno.ENOTDIR, () -> Sys.unlinkat(d, b("f"), AT_REMOVEDIR));
            Sys.unlinkat(d, b("sub/inner"), 0);
            Sys.unlinkat(d, b("sub"), AT_REMOVEDIR);
            Sys.unlinkat(d, b("f"), 0);
            assertThat(dir).isEmptyDirectory();
            assertErrno(Errno.ENOENT, () -> Sys.unlinkat(d, b("f"), 0));
        }
    }

    @Test
    void mknodatMakesFifosAndDevicesWithGlibcMakedev() throws Exception {
        try (Fds fds = new Fds()) {
            int d = fds.open(dir, O_PATH | O_DIRECTORY);
            Sys.mknodat(d, b("fifo"), S_IFIFO | 0600, 0);
            assertThat(Sys.statx(d, b("fifo"), 0, STATX_TYPE).mode() & S_IFMT).isEqualTo(S_IFIFO);
            assertThat(Files.readAttributes(dir.resolve("fifo"), java.nio.file.attribute.BasicFileAttributes.class)
                            .isOther())
                    .isTrue();

            Sys.mknodat(d, b("null"), S_IFCHR | 0666, Sys.makedev(1, 3));
            Statx nul = Sys.statx(d, b("null"), 0, STATX_BASIC_STATS);
            assertThat(nul.mode()).isEqualTo(S_IFCHR | (0666 & ~umask()));
            assertThat(nul.rdevMajor()).isEqualTo(1);
            assertThat(nul.rdevMinor()).isEqualTo(3);
            assertThat(nul.rdev()).isEqualTo(Files.getAttribute(Path.of("/dev/null"), "unix:rdev"));

            // a minor number above 255 and a major above 255 exercise both halves of both encodings
            Sys.mknodat(d, b("big"), S_IFBLK | 0600, Sys.makedev(259, 300_000));
            Statx big = Sys.statx(d, b("big"), 0, STATX_BASIC_STATS);
            assertThat(big.rdevMajor()).isEqualTo(259);
            assertThat(big.rdevMinor()).isEqualTo(300_000);
            assertThat(big.rdev()).isEqualTo(Files.getAttribute(dir.resolve("big"), "unix:rdev"));
            assertThat(sh("stat", "-c", "%Hr %Lr", dir.resolve("big").toString()))
                    .isEqualTo("259 300000");
            assertErrno(Errno.EEXIST, () -> Sys.mknodat(d, b("big"), S_IFIFO | 0600, 0));
        }
        assertThat(Sys.makedev(8, 1)).isEqualTo(0x801L);
        assertThat(Sys.makedev(0x1234, 0x56789)).isEqualTo(0x1000_5672_3489L);
        assertThat(Statx.encodeDev(8, 1)).isEqualTo(0x801L);
        assertThat(Statx.encodeDev(259, 300_000)).isEqualTo(Sys.makedev(259, 300_000));
    }

    @Test
    void symlinkatAndReadlinkatIncludingLongTargetsAndOPath() throws Exception {
        try (Fds fds = new Fds()) {
            int d = fds.open(dir, O_PATH | O_DIRECTORY);
            Sys.symlinkat(b("a/../b c"), d, b("l"));
            assertThat(Files.readSymbolicLink(dir.resolve("l"))).isEqualTo(Path.of("a/../b c"));
            assertThat(Sys.readlinkat(d, b("l"))).isEqualTo(b("a/../b c"));

            byte[] longest = b("x/".repeat(2047) + "y"); // 4095 bytes, the most a symlink holds
            Sys.symlinkat(longest, d, b("long"));
            assertThat(Sys.readlinkat(d, b("long"))).isEqualTo(longest);
            assertThat(Files.readSymbolicLink(dir.resolve("long")).toString()).hasSize(4095);

            byte[] nonUtf8 = {'t', (byte) 0xff, (byte) 0xfe};
            Sys.symlinkat(nonUtf8, d, b("raw"));
            assertThat(Sys.readlinkat(d, b("raw"))).isEqualTo(nonUtf8);

            int lfd = fds.openAt(d, "l", O_PATH | O_NOFOLLOW, 0);
            assertThat(Sys.readlinkat(lfd, EMPTY)).isEqualTo(b("a/../b c"));

            file("f", "x");
            int ffd = fds.openAt(d, "f", O_PATH, 0);
            assertErrno(Errno.ENOENT, () -> Sys.readlinkat(ffd, EMPTY));
            assertErrno(Errno.EINVAL, () -> Sys.readlinkat(d, b("f")));
            assertErrno(Errno.EEXIST, () -> Sys.symlinkat(b("t"), d, b("l")));
            assertErrno(Errno.ENAMETOOLONG, () -> Sys.symlinkat(b("x".repeat(4096)), d, b("toolong")));
        }
    }

    @Test
    void linkatByNameAndByOPathDescriptorAndTmpfile() throws Exception {
        Path f = file("f", "content");
        try (Fds fds = new Fds()) {
            int d = fds.open(dir, O_PATH | O_DIRECTORY);
            Sys.linkat(d, b("f"), d, b("hard"), 0);
            assertThat(Files.getAttribute(f, "unix:nlink")).isEqualTo(2);
            assertThat(Files.isSameFile(f, dir.resolve("hard"))).isTrue();
            assertErrno(Errno.EEXIST, () -> Sys.linkat(d, b("f"), d, b("hard"), 0));

            int fd = fds.openAt(d, "f", O_PATH, 0);
            Sys.linkat(fd, EMPTY, d, b("byfd"), AT_EMPTY_PATH);
            assertThat(Files.getAttribute(f, "unix:nlink")).isEqualTo(3);

            int tmp = fds.add(Sys.openat(d, b("."), O_TMPFILE | O_RDWR, 0600));
            assertThat(Sys.statx(tmp, EMPTY, AT_EMPTY_PATH, STATX_NLINK).nlink())
                    .isZero();
            Sys.pwrite(tmp, java.nio.ByteBuffer.wrap(b("tmp")), 0);
            Sys.linkat(tmp, EMPTY, d, b("fromtmp"), AT_EMPTY_PATH);
            assertThat(Files.readString(dir.resolve("fromtmp"))).isEqualTo("tmp");
            assertErrno(Errno.ENOENT, () -> Sys.linkat(d, b("none"), d, b("x"), 0));
        }
    }

    @Test
    void renameat2PlainNoreplaceAndExchange() throws Exception {
        file("a", "A");
        file("b", "B");
        try (Fds fds = new Fds()) {
            int d = fds.open(dir, O_PATH | O_DIRECTORY);
            assertErrno(Errno.EEXIST, () -> Sys.renameat2(d, b("a"), d, b("b"), RENAME_NOREPLACE));
            Sys.renameat2(d, b("a"), d, b("b"), RENAME_EXCHANGE);
            assertThat(Files.readString(dir.resolve("a"))).isEqualTo("B");
            assertThat(Files.readString(dir.resolve("b"))).isEqualTo("A");
            assertErrno(Errno.ENOENT, () -> Sys.renameat2(d, b("a"), d, b("c"), RENAME_EXCHANGE));
            Sys.renameat2(d, b("a"), d, b("c"), RENAME_NOREPLACE);
            Sys.renameat2(d, b("c"), d, b("b"), 0);
            assertThat(Files.readString(dir.resolve("b"))).isEqualTo("B");
            assertThat(Files.exists(dir.resolve("a"))).isFalse();
            assertThat(Files.exists(dir.resolve("c"))).isFalse();
            assertErrno(Errno.EINVAL, () -> Sys.renameat2(d, b("b"), d, b("x"), RENAME_EXCHANGE | RENAME_NOREPLACE));
        }
    }
}

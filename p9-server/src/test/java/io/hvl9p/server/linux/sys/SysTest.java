package io.hvl9p.server.linux.sys;

import static io.hvl9p.server.linux.sys.HostFlags.*;
import static io.hvl9p.server.linux.sys.LinuxConstants.*;
import static io.hvl9p.server.linux.sys.TestSupport.EMPTY;
import static io.hvl9p.server.linux.sys.TestSupport.assertErrno;
import static io.hvl9p.server.linux.sys.TestSupport.b;
import static io.hvl9p.server.linux.sys.TestSupport.fdinfoFlags;
import static io.hvl9p.server.linux.sys.TestSupport.sh;
import static io.hvl9p.server.linux.sys.TestSupport.umask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hvl9p.protocol.Errno;
import io.hvl9p.server.linux.sys.TestSupport.Fds;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Descriptors, stat, I/O, statfs and OFD locks against what java.nio.file and stat(1) report. */
@ExtendWith(FdLeakCheck.class)
class SysTest {
    @TempDir
    Path dir;

    @Test
    void openatCreatesWithModeAndReportsErrnos() throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("file"));
        try (Fds fds = new Fds()) {
            int d = fds.open(dir, O_PATH | O_DIRECTORY);
            int fd = fds.openAt(d, "new", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0640);
            assertThat(Files.isRegularFile(dir.resolve("new"))).isTrue();
            assertThat(Files.getAttribute(dir.resolve("new"), "unix:mode")).isEqualTo(S_IFREG | (0640 & ~umask()));
            assertThat(fdinfoFlags(fd) & O_ACCMODE).isEqualTo(O_WRONLY);

            SysException e = assertErrno(Errno.EEXIST, () -> Sys.openat(d, b("new"), O_CREAT | O_EXCL, 0600));
            assertThat(e.getMessage()).isEqualTo("openat(\"new\"): EEXIST (17)");
            assertThat(e.call()).isEqualTo("openat(\"new\")");
            assertErrno(Errno.ENOENT, () -> Sys.openat(d, b("missing"), O_RDONLY, 0));
            assertErrno(Errno.ENOTDIR, () -> Sys.openat(d, b("file/x"), O_RDONLY, 0));
            assertErrno(Errno.ENOTDIR, () -> Sys.openat(d, b("file"), O_RDONLY | O_DIRECTORY, 0));
            assertErrno(Errno.ELOOP, () -> Sys.openat(d, b("link"), O_RDONLY | O_NOFOLLOW, 0));
            assertErrno(Errno.EBADF, () -> Sys.openat(987_654, b("file"), O_RDONLY, 0));
        }
    }

    @Test
    void aNulInsideANameIsEinvalNotATruncatedName() throws Exception {
        Files.writeString(dir.resolve("a"), "x");
        SysException e = assertErrno(Errno.EINVAL, () -> Sys.openat(AT_FDCWD, b(dir + "/a\0b"), O_RDONLY, 0));
        assertThat(e.getMessage()).contains("a\\x00b");
    }

    @Test
    void openat2ResolveBeneathRejectsEscapes() throws Exception {
        Files.createDirectory(dir.resolve("root"));
        Files.writeString(dir.resolve("root/inside"), "in");
        Files.writeString(dir.resolve("x"), "out");
        Files.createSymbolicLink(dir.resolve("root/abs"), dir.resolve("root/inside"));
        Files.createSymbolicLink(dir.resolve("root/rootabs"), Path.of("/inside"));
        try (Fds fds = new Fds()) {
            int root = fds.open(dir.resolve("root"), O_PATH | O_DIRECTORY);
            int ok = fds.add(Sys.openat2(root, b("inside"), O_RDONLY | O_CLOEXEC, 0, RESOLVE_BENEATH));
            assertThat(Sys.statx(ok, EMPTY, AT_EMPTY_PATH, STATX_INO).ino())
                    .isEqualTo(Files.getAttribute(dir.resolve("root/inside"), "unix:ino"));

            assertErrno(Errno.EXDEV, () -> Sys.openat2(root, b("../x"), O_RDONLY, 0, RESOLVE_BENEATH));
            assertErrno(Errno.EXDEV, () -> Sys.openat2(root, b("abs"), O_RDONLY, 0, RESOLVE_BENEATH));
            assertErrno(Errno.EXDEV, () -> Sys.openat2(root, b(dir.resolve("x")), O_RDONLY, 0, RESOLVE_BENEATH));
            // without RESOLVE_BENEATH the same escape works
            fds.add(Sys.openat2(root, b("../x"), O_RDONLY | O_CLOEXEC, 0, 0));
            // RESOLVE_IN_ROOT: an absolute symlink is resolved inside dirfd
            int in = fds.add(Sys.openat2(root, b("rootabs"), O_RDONLY | O_CLOEXEC, 0, RESOLVE_IN_ROOT));
            ByteBuffer buf = ByteBuffer.allocate(8);
            assertThat(Sys.pread(in, buf, 0)).isEqualTo(2);
            assertThat(new String(buf.array(), 0, 2, StandardCharsets.US_ASCII)).isEqualTo("in");
            // open_how is stricter than openat: a mode without O_CREAT is EINVAL
            assertErrno(Errno.EINVAL, () -> Sys.openat2(root, b("inside"), O_RDONLY, 0644, 0));
            assertErrno(Errno.ELOOP, () -> Sys.openat2(root, b("abs"), O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
        }
    }

    @Test
    void closeAndDupCloexec() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        try (Fds fds = new Fds()) {
            int fd = fds.open(dir.resolve("f"), O_RDONLY);
            assertThat(fdinfoFlags(fd) & O_CLOEXEC).isZero();
            int dup = Sys.dupCloexec(fd);
            assertThat(dup).isNotEqualTo(fd);
            assertThat(fdinfoFlags(dup) & O_CLOEXEC).isEqualTo(O_CLOEXEC);
            assertThat(Sys.statx(dup, EMPTY, AT_EMPTY_PATH, STATX_INO).ino())
                    .isEqualTo(Sys.statx(fd, EMPTY, AT_EMPTY_PATH, STATX_INO).ino());
            Sys.close(dup);
            assertThat(Files.exists(Path.of("/proc/self/fd/" + dup), LinkOption.NOFOLLOW_LINKS))
                    .isFalse();
            assertErrno(Errno.EBADF, () -> Sys.close(dup));
            assertErrno(Errno.EBADF, () -> Sys.dupCloexec(dup));
        }
    }

    @Test
    void statxMatchesJavaAndStat() throws Exception {
        Path f = dir.resolve("f");
        Files.write(f, new byte[10_000]);
        Files.createLink(dir.resolve("hard"), f);
        Files.setLastModifiedTime(f, FileTime.from(java.time.Instant.parse("2020-01-02T03:04:05.123456789Z")));
        Statx st = Sys.statx(AT_FDCWD, b(f), 0, STATX_BASIC_STATS | STATX_BTIME);
        Map<String, Object> a = Files.readAttributes(f, "unix:*");

        assertThat(st.mask() & STATX_BASIC_STATS).isEqualTo(STATX_BASIC_STATS);
        assertThat(st.ino()).isEqualTo(a.get("ino"));
        assertThat(st.size()).isEqualTo(10_000L);
        assertThat(st.nlink()).isEqualTo(2).isEqualTo(a.get("nlink"));
        assertThat(st.uid()).isEqualTo(a.get("uid"));
        assertThat(st.gid()).isEqualTo(a.get("gid"));
        assertThat(st.mode()).isEqualTo(a.get("mode"));
        assertThat(st.isRegular()).isTrue();
        assertThat(st.isDirectory()).isFalse();
        assertThat(st.dev()).isEqualTo(a.get("dev"));
        assertThat(st.mtimeSec()).isEqualTo(1577934245L);
        assertThat(st.mtimeNsec()).isEqualTo(123456789);
        FileTime ctime = (FileTime) a.get("ctime");
        assertThat(st.ctimeSec() * 1_000_000_000L + st.ctimeNsec())
                .isEqualTo(ctime.to(java.util.concurrent.TimeUnit.NANOSECONDS));

        String[] s = sh("stat", "-c", "%i %s %h %u %g %f %d %b %o %X %Y %Z %W %x", f.toString())
                .split(" ");
        assertThat(st.ino()).isEqualTo(Long.parseLong(s[0]));
        assertThat(st.size()).isEqualTo(Long.parseLong(s[1]));
        assertThat(st.mode()).isEqualTo(Integer.parseInt(s[5], 16));
        assertThat(st.dev()).isEqualTo(Long.parseLong(s[6]));
        assertThat(st.blocks()).isEqualTo(Long.parseLong(s[7]));
        assertThat(st.blksize()).isEqualTo(Integer.parseInt(s[8]));
        assertThat(st.atimeSec()).isEqualTo(Long.parseLong(s[9]));
        assertThat(st.mtimeSec()).isEqualTo(Long.parseLong(s[10]));
        assertThat(st.ctimeSec()).isEqualTo(Long.parseLong(s[11]));
        if ((st.mask() & STATX_BTIME) != 0) assertThat(st.btimeSec()).isEqualTo(Long.parseLong(s[12]));
        assertThat(s[14]).endsWith("." + String.format("%09d", st.atimeNsec())); // %x is "date time zone"

        Statx d = Sys.statx(AT_FDCWD, b(dir), 0, STATX_BASIC_STATS);
        assertThat(d.isDirectory()).isTrue();
        assertThat(d.ino()).isEqualTo(Files.getAttribute(dir, "unix:ino"));
        assertErrno(Errno.ENOENT, () -> Sys.statx(AT_FDCWD, b(dir.resolve("nope")), 0, STATX_BASIC_STATS));
    }

    @Test
    void statxWithEmptyPathWorksOnOPathDescriptorsOfFilesAndSymlinks() throws Exception {
        Path f = dir.resolve("f");
        Files.writeString(f, "hello");
        Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
        try (Fds fds = new Fds()) {
            int fd = fds.open(f, O_PATH);
            int link = fds.open(dir.resolve("l"), O_PATH | O_NOFOLLOW);
            Statx sf = Sys.statx(fd, EMPTY, AT_EMPTY_PATH, STATX_BASIC_STATS);
            assertThat(sf.ino()).isEqualTo(Files.getAttribute(f, "unix:ino"));
            assertThat(sf.size()).isEqualTo(5);
            // on an O_PATH|O_NOFOLLOW fd the fd IS the symlink, with or without AT_SYMLINK_NOFOLLOW
            for (int flags : new int[] {AT_EMPTY_PATH, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW}) {
                Statx sl = Sys.statx(link, EMPTY, flags, STATX_BASIC_STATS);
                assertThat(sl.isSymlink()).isTrue();
                assertThat(sl.size()).isEqualTo(1); // the target "f"
                assertThat(sl.ino())
                        .isEqualTo(Files.getAttribute(dir.resolve("l"), "unix:ino", LinkOption.NOFOLLOW_LINKS));
            }
            assertThat(Sys.statx(AT_FDCWD, b(dir.resolve("l")), 0, STATX_TYPE).isRegular())
                    .isTrue();
            assertErrno(Errno.ENOENT, () -> Sys.statx(fd, EMPTY, 0, STATX_BASIC_STATS));
        }
    }

    @Test
    void preadAndPwriteWithHeapAndDirectBuffers() throws Exception {
        Path f = dir.resolve("data");
        try (Fds fds = new Fds()) {
            int fd = fds.open(f, O_RDWR | O_CREAT);
            ByteBuffer heap = ByteBuffer.wrap(b("0123456789"));
            heap.position(2);
            assertThat(Sys.pwrite(fd, heap, 0)).isEqualTo(8);
            assertThat(heap.position()).isEqualTo(10);
            ByteBuffer direct = ByteBuffer.allocateDirect(3).put(b("xyz")).flip();
            assertThat(Sys.pwrite(fd, direct, 20)).isEqualTo(3);
            assertThat(direct.hasRemaining()).isFalse();
            ByteBuffer ro = ByteBuffer.wrap(b("RO")).asReadOnlyBuffer();
            assertThat(Sys.pwrite(fd, ro, 30)).isEqualTo(2);
            byte[] expect = new byte[32];
            System.arraycopy(b("23456789"), 0, expect, 0, 8);
            System.arraycopy(b("xyz"), 0, expect, 20, 3);
            System.arraycopy(b("RO"), 0, expect, 30, 2);
            assertThat(Files.readAllBytes(f)).isEqualTo(expect);

            // heap: a slice with a non-zero array offset, filled from position to limit
            byte[] backing = new byte[16];
            ByteBuffer slice = ByteBuffer.wrap(backing, 4, 8).slice();
            slice.position(1).limit(5);
            assertThat(Sys.pread(fd, slice, 2)).isEqualTo(4);
            assertThat(slice.position()).isEqualTo(5);
            assertThat(Arrays.copyOfRange(backing, 5, 9)).isEqualTo(b("4567"));
            assertThat(backing[4]).isZero();
            assertThat(backing[9]).isZero();

            ByteBuffer dst = ByteBuffer.allocateDirect(64);
            assertThat(Sys.pread(fd, dst, 20)).isEqualTo(12);
            assertThat(dst.position()).isEqualTo(12);
            assertThat(dst.get(0)).isEqualTo((byte) 'x');
            assertThat(dst.get(11)).isEqualTo((byte) 'O');
            assertThat(Sys.pread(fd, ByteBuffer.allocate(8), 32)).isZero();
            assertThat(Sys.pread(fd, ByteBuffer.allocate(8), 1000)).isZero();
            assertThatThrownBy(() -> Sys.pread(fd, ByteBuffer.allocate(4).asReadOnlyBuffer(), 0))
                    .isInstanceOf(ReadOnlyBufferException.class);
            assertErrno(Errno.EINVAL, () -> Sys.pread(fd, ByteBuffer.allocate(4), -1));
            int rd = fds.open(f, O_RDONLY);
            assertErrno(Errno.EBADF, () -> Sys.pwrite(rd, ByteBuffer.wrap(b("no")), 0));
            int dirFd = fds.open(dir, O_RDONLY | O_DIRECTORY);
            assertErrno(Errno.EISDIR, () -> Sys.pread(dirFd, ByteBuffer.allocate(4), 0));
        }
    }

    @Test
    void syncTruncateAndSeek() throws Exception {
        Path f = dir.resolve("f");
        Files.writeString(f, "0123456789");
        try (Fds fds = new Fds()) {
            int fd = fds.open(f, O_RDWR);
            Sys.fsync(fd);
            Sys.fdatasync(fd);
            Sys.ftruncate(fd, 3);
            assertThat(Files.readString(f)).isEqualTo("012");
            Sys.truncate(b(f), 5);
            assertThat(Files.readAllBytes(f)).isEqualTo(new byte[] {'0', '1', '2', 0, 0});
            assertThat(Sys.lseek(fd, 0, SEEK_END)).isEqualTo(5);
            assertThat(Sys.lseek(fd, 2, SEEK_SET)).isEqualTo(2);
            assertThat(Sys.lseek(fd, 1, SEEK_CUR)).isEqualTo(3);
            assertErrno(Errno.EINVAL, () -> Sys.ftruncate(fd, -1));
            assertErrno(Errno.ENOENT, () -> Sys.truncate(b(dir.resolve("none")), 0));

            int sparse = fds.openAt(AT_FDCWD, dir.resolve("sparse").toString(), O_RDWR | O_CREAT, 0600);
            Sys.pwrite(sparse, ByteBuffer.wrap(b("data")), 1 << 20);
            assertThat(Sys.lseek(sparse, 0, SEEK_DATA)).isEqualTo(1 << 20);
            assertThat(Sys.lseek(sparse, 0, SEEK_HOLE)).isZero();
            assertErrno(Errno.ENXIO, () -> Sys.lseek(sparse, (1 << 20) + 4, SEEK_DATA));

            int path = fds.open(f, O_PATH);
            assertErrno(Errno.EBADF, () -> Sys.fsync(path));
            assertErrno(Errno.EBADF, () -> Sys.ftruncate(path, 0));
            Sys.truncate(Sys.procFdPath(path), 1);
            assertThat(Files.size(f)).isEqualTo(1);
        }
    }

    @Test
    void fstatfsMatchesStatF() throws Exception {
        try (Fds fds = new Fds()) {
            StatFs fs = Sys.fstatfs(fds.open(dir, O_PATH | O_DIRECTORY));
            String[] s = sh("stat", "-f", "-c", "%t %s %b %f %a %c %d %i %l %S", dir.toString())
                    .split(" ");
            assertThat(fs.type()).isEqualTo(Long.parseLong(s[0], 16));
            assertThat(fs.bsize()).isEqualTo(Long.parseLong(s[1]));
            assertThat(fs.blocks()).isEqualTo(Long.parseLong(s[2]));
            // free counts move while other processes write; they must be close, not equal
            assertThat(fs.bfree()).isCloseTo(Long.parseLong(s[3]), within(fs.blocks() / 100));
            assertThat(fs.bavail()).isCloseTo(Long.parseLong(s[4]), within(fs.blocks() / 100));
            assertThat(fs.files()).isEqualTo(Long.parseLong(s[5]));
            assertThat(fs.ffree()).isCloseTo(Long.parseLong(s[6]), within(fs.files() / 100 + 100));
            assertThat(fs.fsid()).isEqualTo(Long.parseUnsignedLong(s[7], 16));
            assertThat(fs.namelen()).isEqualTo(Long.parseLong(s[8]));
            assertThat(fs.frsize()).isEqualTo(Long.parseLong(s[9]));
            assertThat(fs.flags() & ST_VALID).isEqualTo(ST_VALID);
            assertThat(fs.flags() & ST_RDONLY).isZero();
            assertThat(fs.bavail()).isLessThanOrEqualTo(fs.bfree());
            assertThat(fs.bfree()).isLessThanOrEqualTo(fs.blocks());

            StatFs proc = Sys.fstatfs(fds.open(Path.of("/proc"), O_RDONLY | O_DIRECTORY));
            assertThat(proc.type()).isEqualTo(0x9fa0); // PROC_SUPER_MAGIC
            assertErrno(Errno.EBADF, () -> Sys.fstatfs(987_654));
        }
    }

    @Test
    void ofdLocksConflictBetweenTwoOpenFilesOfOneFile() throws Exception {
        Path f = dir.resolve("locked");
        Files.write(f, new byte[1000]);
        try (Fds fds = new Fds()) {
            int a = fds.open(f, O_RDWR);
            int b = fds.open(f, O_RDWR);
            Sys.ofdSetLock(a, new Flock(F_WRLCK, SEEK_SET, 100, 50, 0));

            assertErrno(Errno.EAGAIN, () -> Sys.ofdSetLock(b, new Flock(F_RDLCK, SEEK_SET, 120, 10, 0)));
            Flock conflict = Sys.ofdGetLock(b, new Flock(F_RDLCK, SEEK_SET, 0, 0, 0));
            assertThat(conflict).isEqualTo(new Flock(F_WRLCK, SEEK_SET, 100, 50, -1));
            // a's own lock never conflicts with a
            assertThat(Sys.ofdGetLock(a, new Flock(F_WRLCK, SEEK_SET, 0, 0, 0)).type())
                    .isEqualTo(F_UNLCK);
            // b can lock outside a's range
            Sys.ofdSetLock(b, new Flock(F_WRLCK, SEEK_SET, 150, 10, 0));
            Flock none = Sys.ofdGetLock(b, new Flock(F_WRLCK, SEEK_SET, 200, 10, 0));
            assertThat(none.type()).isEqualTo(F_UNLCK);
            assertThat(none.start()).isEqualTo(200);
            assertThat(none.len()).isEqualTo(10);

            Sys.ofdSetLock(a, new Flock(F_UNLCK, SEEK_SET, 0, 0, 0));
            Sys.ofdSetLock(b, new Flock(F_RDLCK, SEEK_SET, 120, 10, 0));
            // closing b drops b's locks (only b's: they belong to the open file description)
            fds.close(b);
            assertThat(Sys.ofdGetLock(a, new Flock(F_WRLCK, SEEK_SET, 0, 0, 0)).type())
                    .isEqualTo(F_UNLCK);

            int ro = fds.open(f, O_RDONLY);
            assertErrno(Errno.EBADF, () -> Sys.ofdSetLock(ro, new Flock(F_WRLCK, SEEK_SET, 0, 0, 0)));
            assertErrno(Errno.EINVAL, () -> Sys.ofdSetLock(a, new Flock(7, SEEK_SET, 0, 0, 0)));
        }
    }

    @Test
    void concurrentCallsEachSeeTheirOwnErrno() throws Exception {
        Files.writeString(dir.resolve("here"), "x");
        byte[] here = b(dir.resolve("here"));
        byte[] missing = b(dir.resolve("missing"));
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    int checked = 0;
                    for (int i = 0; i < 2_000; i++) {
                        if ((i + seed) % 3 == 0) {
                            assertErrno(Errno.ENOENT, () -> Sys.openat(AT_FDCWD, missing, O_RDONLY, 0));
                        } else if ((i + seed) % 3 == 1) {
                            assertErrno(Errno.ENOTDIR, () -> Sys.statx(AT_FDCWD, b(dir + "/here/x"), 0, 0));
                        } else {
                            int fd = Sys.openat(AT_FDCWD, here, O_RDONLY | O_CLOEXEC, 0);
                            assertThat(Sys.pread(fd, ByteBuffer.allocate(4), 0)).isEqualTo(1);
                            Sys.close(fd);
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> r : results) assertThat(r.get()).isEqualTo(2_000);
        }
    }

    @Test
    void procFdPathNamesTheDescriptor() throws Exception {
        Path f = dir.resolve("f");
        Files.writeString(f, "x");
        try (Fds fds = new Fds()) {
            int fd = fds.open(f, O_PATH);
            byte[] p = Sys.procFdPath(fd);
            assertThat(new String(p, StandardCharsets.US_ASCII)).isEqualTo("/proc/self/fd/" + fd);
            assertThat(Files.readSymbolicLink(Path.of(new String(p, StandardCharsets.US_ASCII))))
                    .isEqualTo(f);
            assertThat(Sys.procFdPath(0)).isEqualTo(b("/proc/self/fd/0"));
            assertThatThrownBy(() -> Sys.procFdPath(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

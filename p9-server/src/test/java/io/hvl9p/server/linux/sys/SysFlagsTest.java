package io.hvl9p.server.linux.sys;

import static io.hvl9p.server.linux.sys.HostFlags.*;
import static io.hvl9p.server.linux.sys.LinuxConstants.AT_EMPTY_PATH;
import static io.hvl9p.server.linux.sys.LinuxConstants.STATX_NLINK;
import static io.hvl9p.server.linux.sys.TestSupport.EMPTY;
import static io.hvl9p.server.linux.sys.TestSupport.assertErrno;
import static io.hvl9p.server.linux.sys.TestSupport.b;
import static io.hvl9p.server.linux.sys.TestSupport.fdinfoFlags;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.server.linux.sys.TestSupport.Fds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HostFlags values checked against the running kernel: the flags it keeps are read back from
 * /proc/self/fdinfo, the open-time-only flags are checked by their effect.
 */
@ExtendWith(FdLeakCheck.class)
class SysFlagsTest {
    @TempDir
    Path dir;

    @Test
    void architectureIsDetected() {
        String arch = System.getProperty("os.arch");
        assertThat(Arch.AARCH64).isEqualTo(arch.equals("aarch64"));
        if (Arch.AARCH64) {
            assertThat(new int[] {O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE, O_TMPFILE})
                    .containsExactly(040000, 0100000, 0200000, 0400000, 020040000);
            assertThat(Arch.SYS_GETDENTS64).isEqualTo(61);
        } else {
            assertThat(new int[] {O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE, O_TMPFILE})
                    .containsExactly(0200000, 0400000, 040000, 0100000, 020200000);
            assertThat(Arch.SYS_GETDENTS64).isEqualTo(217);
            assertThat(Arch.SYS_SETFSUID).isEqualTo(122);
        }
    }

    @Test
    void keptFlagsShowInFdinfo() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        int[] kept = {O_WRONLY, O_RDWR, O_APPEND, O_NONBLOCK, O_DSYNC, O_DIRECT, O_NOATIME, O_CLOEXEC, O_SYNC};
        try (Fds fds = new Fds()) {
            for (int flag : kept) {
                int fd = fds.open(f, flag);
                assertThat(fdinfoFlags(fd) & flag).as("flag 0%o", flag).isEqualTo(flag);
                fds.close(fd);
            }
            int plain = fds.open(f, O_RDONLY);
            // the kernel forces O_LARGEFILE on 64-bit and reports nothing else for a plain open
            assertThat(fdinfoFlags(plain)).isEqualTo(O_LARGEFILE);
            assertThat(fdinfoFlags(fds.open(f, O_PATH)) & O_PATH).isEqualTo(O_PATH);
            assertThat(fdinfoFlags(fds.open(dir, O_RDONLY | O_DIRECTORY)) & O_DIRECTORY)
                    .isEqualTo(O_DIRECTORY);
        }
    }

    @Test
    void openTimeFlagsHaveTheirEffect() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "content");
        Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
        try (Fds fds = new Fds()) {
            int d = fds.open(dir, O_PATH | O_DIRECTORY);
            fds.openAt(d, "new", O_CREAT | O_WRONLY, 0600);
            assertThat(Files.exists(dir.resolve("new"))).isTrue();
            assertErrno(Errno.EEXIST, () -> Sys.openat(d, b("new"), O_CREAT | O_EXCL | O_WRONLY, 0600));
            fds.openAt(d, "f", O_WRONLY | O_TRUNC, 0);
            assertThat(Files.size(f)).isZero();
            assertErrno(Errno.ENOTDIR, () -> Sys.openat(d, b("f"), O_DIRECTORY, 0));
            assertErrno(Errno.ELOOP, () -> Sys.openat(d, b("l"), O_NOFOLLOW, 0));
            int tmp = fds.openAt(d, ".", O_TMPFILE | O_RDWR, 0600);
            assertThat(Sys.statx(tmp, EMPTY, AT_EMPTY_PATH, STATX_NLINK).nlink())
                    .isZero();
            fds.add(Sys.openat(d, b("/dev/null"), O_RDWR | O_NOCTTY, 0));
        }
    }
}

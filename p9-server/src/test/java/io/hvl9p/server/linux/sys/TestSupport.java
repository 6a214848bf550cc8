package io.hvl9p.server.linux.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hvl9p.protocol.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Helpers shared by the Sys tests: byte names, descriptors closed at the end, errno checks, shell. */
final class TestSupport {
    private TestSupport() {}

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] b(Path p) {
        return b(p.toString());
    }

    static final byte[] EMPTY = new byte[0];

    /** Runs {@code c}, which must fail with {@code errno}; returns the exception. */
    static SysException assertErrno(int errno, ThrowingCallable c) {
        SysException e = catchThrowableOfType(SysException.class, c);
        assertThat(e).as("expected %s", Errno.name(errno)).isNotNull();
        assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno);
        assertThat(e.getMessage()).endsWith(": " + Errno.name(errno) + " (" + errno + ")");
        return e;
    }

    /** The flags the kernel keeps for {@code fd}, from /proc/self/fdinfo. */
    static int fdinfoFlags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:"))
                return Integer.parseInt(line.substring(6).trim(), 8);
        }
        throw new AssertionError("no flags in fdinfo " + fd);
    }

    /** The process umask, from /proc/self/status. */
    static int umask() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Umask:"))
                return Integer.parseInt(line.substring(6).trim(), 8);
        }
        throw new AssertionError("no Umask in /proc/self/status");
    }

    /** Runs a command; returns its standard output without the trailing newline; fails on exit != 0. */
    static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
        return out.strip();
    }

    /** Descriptors opened by a test, closed (and so checked to be valid) at the end. */
    static final class Fds implements AutoCloseable {
        private final List<Integer> fds = new ArrayList<>();

        int add(int fd) {
            assertThat(fd).isNotNegative();
            fds.add(fd);
            return fd;
        }

        int open(Path p, int flags) {
            return add(Sys.openat(LinuxConstants.AT_FDCWD, b(p), flags, 0));
        }

        int openAt(int dirfd, String name, int flags, int mode) {
            return add(Sys.openat(dirfd, b(name), flags, mode));
        }

        /** Closes {@code fd} now instead of at the end. */
        void close(int fd) {
            fds.remove(Integer.valueOf(fd));
            Sys.close(fd);
        }

        @Override
        public void close() {
            for (int fd : fds) Sys.close(fd);
            fds.clear();
        }
    }
}

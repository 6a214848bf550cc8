package io.hvl9p.server.linux.sys;

import static io.hvl9p.server.linux.sys.HostFlags.*;
import static io.hvl9p.server.linux.sys.LinuxConstants.*;
import static io.hvl9p.server.linux.sys.TestSupport.assertErrno;
import static io.hvl9p.server.linux.sys.TestSupport.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.server.linux.sys.TestSupport.Fds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extended attributes, checked through java.nio's UserDefinedFileAttributeView (the "user."
 * namespace) and, for the rest, through the other variants.
 */
@ExtendWith(FdLeakCheck.class)
class SysXattrTest {
    @TempDir
    Path dir;

    private static UserDefinedFileAttributeView view(Path p) {
        return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
    }

    private static String javaGet(Path p, String name) throws Exception {
        UserDefinedFileAttributeView v = view(p);
        ByteBuffer buf = ByteBuffer.allocate(v.size(name));
        v.read(name, buf);
        return new String(buf.array(), StandardCharsets.UTF_8);
    }

    private static List<String> names(ByteBuffer list, int len) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < len; i++) {
            if (list.get(i) == 0) {
                out.add(new String(list.array(), start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    @Test
    void pathCallsAgreeWithJava() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        byte[] p = b(f);
        Sys.setxattr(p, b("user.heap"), ByteBuffer.wrap(b("heap value")), 0);
        ByteBuffer direct = ByteBuffer.allocateDirect(6).put(b("direct")).flip();
        Sys.setxattr(p, b("user.direct"), direct, XATTR_CREATE);
        assertThat(direct.hasRemaining()).isFalse();
        Sys.setxattr(p, b("user.empty"), null, 0);
        assertThat(javaGet(f, "heap")).isEqualTo("heap value");
        assertThat(javaGet(f, "direct")).isEqualTo("direct");
        assertThat(view(f).size("empty")).isZero();
        view(f).write("java", ByteBuffer.wrap(b("from java")));

        assertThat(Sys.getxattr(p, b("user.java"), null)).isEqualTo(9);
        assertThat(Sys.getxattr(p, b("user.java"), ByteBuffer.allocate(0))).isEqualTo(9);
        ByteBuffer heap = ByteBuffer.allocate(20).position(3);
        assertThat(Sys.getxattr(p, b("user.java"), heap)).isEqualTo(9);
        assertThat(heap.position()).isEqualTo(12);
        assertThat(new String(heap.array(), 3, 9, StandardCharsets.UTF_8)).isEqualTo("from java");
        ByteBuffer out = ByteBuffer.allocateDirect(20);
        assertThat(Sys.getxattr(p, b("user.direct"), out)).isEqualTo(6);
        assertThat(out.flip()).isEqualTo(ByteBuffer.wrap(b("direct")));
        assertErrno(Errno.ERANGE, () -> Sys.getxattr(p, b("user.java"), ByteBuffer.allocate(3)));
        assertErrno(Errno.ENODATA, () -> Sys.getxattr(p, b("user.none"), null));

        int size = Sys.listxattr(p, null);
        ByteBuffer list = ByteBuffer.allocate(size);
        assertThat(Sys.listxattr(p, list)).isEqualTo(size);
        assertThat(names(list, size))
                .containsExactlyInAnyOrderElementsOf(
                        view(f).list().stream().map(n -> "user." + n).toList());
        assertThat(names(list, size)).contains("user.heap", "user.direct", "user.empty", "user.java");

        assertErrno(Errno.EEXIST, () -> Sys.setxattr(p, b("user.heap"), ByteBuffer.wrap(b("v")), XATTR_CREATE));
        assertErrno(Errno.ENODATA, () -> Sys.setxattr(p, b("user.new"), ByteBuffer.wrap(b("v")), XATTR_REPLACE));
        Sys.setxattr(p, b("user.heap"), ByteBuffer.wrap(b("v2")), XATTR_REPLACE);
        assertThat(javaGet(f, "heap")).isEqualTo("v2");
        Sys.removexattr(p, b("user.heap"));
        assertThat(view(f).list()).doesNotContain("heap");
        assertErrno(Errno.ENODATA, () -> Sys.removexattr(p, b("user.heap")));
        assertErrno(Errno.ENOENT, () -> Sys.listxattr(b(dir.resolve("none")), null));
        assertErrno(Errno.EOPNOTSUPP, () -> Sys.setxattr(p, b("bogus.ns"), null, 0));
    }

    @Test
    void fdCallsNeedARealDescriptorAndOPathGoesThroughProc() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        try (Fds fds = new Fds()) {
            int fd = fds.open(f, O_RDONLY);
            Sys.fsetxattr(fd, b("user.a"), ByteBuffer.wrap(b("1")), 0);
            assertThat(javaGet(f, "a")).isEqualTo("1");
            ByteBuffer v = ByteBuffer.allocate(8);
            assertThat(Sys.fgetxattr(fd, b("user.a"), v)).isEqualTo(1);
            assertThat(v.get(0)).isEqualTo((byte) '1');
            assertThat(Sys.flistxattr(fd, null)).isEqualTo("user.a\0".length());
            Sys.fremovexattr(fd, b("user.a"));
            assertThat(view(f).list()).isEmpty();

            // f*xattr refuse O_PATH descriptors (Linux 6.18 still), the path calls on /proc/self/fd/N work
            int opath = fds.open(f, O_PATH);
            assertErrno(Errno.EBADF, () -> Sys.fsetxattr(opath, b("user.a"), ByteBuffer.wrap(b("1")), 0));
            assertErrno(Errno.EBADF, () -> Sys.fgetxattr(opath, b("user.a"), null));
            assertErrno(Errno.EBADF, () -> Sys.flistxattr(opath, null));
            assertErrno(Errno.EBADF, () -> Sys.fremovexattr(opath, b("user.a")));
            byte[] proc = Sys.procFdPath(opath);
            Sys.setxattr(proc, b("user.p"), ByteBuffer.wrap(b("proc")), 0);
            assertThat(javaGet(f, "p")).isEqualTo("proc");
            assertThat(Sys.getxattr(proc, b("user.p"), null)).isEqualTo(4);
            assertThat(Sys.listxattr(proc, null)).isEqualTo("user.p\0".length());
            // but NOT the l-variants: they stop at the /proc magic link itself
            assertErrno(Errno.ENODATA, () -> Sys.lgetxattr(proc, b("user.p"), null));
            assertThat(Sys.llistxattr(proc, null)).isZero();
            Sys.removexattr(proc, b("user.p"));
            assertThat(view(f).list()).isEmpty();
        }
    }

    @Test
    void lVariantsActOnTheSymlinkAndProcOfASymlinkFdReachesTheSymlink() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        Path l = Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
        byte[] lp = b(l);
        // user.* is not allowed on symlinks; trusted.* (root) is
        assertErrno(Errno.EPERM, () -> Sys.lsetxattr(lp, b("user.x"), ByteBuffer.wrap(b("1")), 0));
        Sys.lsetxattr(lp, b("trusted.onlink"), ByteBuffer.wrap(b("L")), 0);
        Sys.setxattr(lp, b("user.ontarget"), ByteBuffer.wrap(b("T")), 0);
        assertThat(Sys.lgetxattr(lp, b("trusted.onlink"), null)).isEqualTo(1);
        assertErrno(Errno.ENODATA, () -> Sys.getxattr(lp, b("trusted.onlink"), null));
        assertThat(javaGet(f, "ontarget")).isEqualTo("T");
        assertErrno(Errno.ENODATA, () -> Sys.lgetxattr(lp, b("user.ontarget"), null));
        assertThat(view(l).list()).containsExactly("ontarget");

        try (Fds fds = new Fds()) {
            int lfd = fds.open(l, O_PATH | O_NOFOLLOW);
            byte[] proc = Sys.procFdPath(lfd);
            // following /proc/self/fd/N of an O_PATH|O_NOFOLLOW fd lands on the symlink, not its target
            assertThat(Sys.getxattr(proc, b("trusted.onlink"), null)).isEqualTo(1);
            Sys.setxattr(proc, b("trusted.viaproc"), ByteBuffer.wrap(b("P")), 0);
            assertThat(Sys.lgetxattr(lp, b("trusted.viaproc"), null)).isEqualTo(1);
            assertErrno(Errno.ENODATA, () -> Sys.getxattr(b(f), b("trusted.viaproc"), null));
            Sys.removexattr(proc, b("trusted.viaproc"));
            Sys.lremovexattr(lp, b("trusted.onlink"));
            assertThat(Sys.llistxattr(lp, null)).isZero();
        }
    }
}

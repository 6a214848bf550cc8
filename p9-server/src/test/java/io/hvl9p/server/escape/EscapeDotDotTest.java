package io.hvl9p.server.escape;

import static io.hvl9p.server.escape.Client.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import java.nio.file.Files;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ..} chains. ".." at the export root is the root itself (QEMU's walk/dotdot_from_root), so
 * the sandbox above the export, which holds outside/ and export-b/, is never reached: a name of
 * the sandbox walked after ".." is looked up in the export and is ENOENT.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EscapeDotDotTest extends Sandbox {
    @Override
    void populate() throws Exception {
        Files.createDirectories(export.resolve("a/b/c/d"));
        Files.writeString(export.resolve("top.txt"), "top\n");
        Files.writeString(exportB.resolve("b.txt"), "b\n");
    }

    private static String[] dots(int n) {
        return Collections.nCopies(n, "..").toArray(String[]::new);
    }

    @Test
    void dotDotTwentyTimesFromTheRootStaysAtTheRoot() throws Exception {
        Client c = connect();
        Fid root = c.attach("a", ROOT);
        Qid rootQid = c.getattr(root).qid();
        // Twalk carries at most 16 names: 16 then 4 more from the fid the first walk made.
        Fid up16 = c.p9.newFid();
        RMessage.Rwalk w = c.walkRaw(root, up16, dots(16));
        assertThat(w.qids()).hasSize(16).containsOnly(rootQid);
        Fid up20 = c.p9.newFid();
        assertThat(c.walkRaw(up16, up20, dots(4)).qids()).hasSize(4).containsOnly(rootQid);
        assertThat(c.getattr(up20).qid()).isEqualTo(rootQid);
        List<String> names = c.list(up20);
        assertThat(names).contains("a", "top.txt").doesNotContain("outside", "export-b", "export");
    }

    @Test
    void walkOfRepeatedDotsLeavesNoReferenceBehind() throws Exception {
        // Regression: a step that returns the node it started from ("." anywhere, ".." at the
        // root) was not released when the next step replaced it, so the descriptor outlived
        // the fid (the sandbox check after the test finds it).
        Client c = connect();
        Fid root = c.attach("a", ROOT);
        Fid d = c.walk(root, "a", "b");
        for (int i = 0; i < 50; i++) {
            c.clunk(c.walk(root, ".", ".", ".", "..", "..", "."));
            c.clunk(c.walk(d, ".", ".", "c", ".", "."));
        }
        Fid same = c.walk(d, ".", ".", ".");
        assertThat(c.getattr(same).qid()).isEqualTo(c.getattr(d).qid());
    }

    @Test
    void dotDotTwentyTimesFromADeepDirectoryStopsAtTheRoot() throws Exception {
        Client c = connect();
        Fid root = c.attach("a", ROOT);
        Qid rootQid = c.getattr(root).qid();
        Fid deep = c.walk(root, "a", "b", "c", "d");
        Qid a = c.getattr(c.walk(root, "a")).qid();
        Qid b = c.getattr(c.walk(root, "a", "b")).qid();
        Qid cq = c.getattr(c.walk(root, "a", "b", "c")).qid();
        Fid up16 = c.p9.newFid();
        List<Qid> q = c.walkRaw(deep, up16, dots(16)).qids();
        assertThat(q).hasSize(16);
        assertThat(q.subList(0, 4)).containsExactly(cq, b, a, rootQid);
        assertThat(q.subList(4, 16)).containsOnly(rootQid);
        Fid up20 = c.p9.newFid();
        assertThat(c.walkRaw(up16, up20, dots(4)).qids()).containsOnly(rootQid);
        assertThat(c.list(up20)).doesNotContain("outside", "export-b");
    }

    @Test
    void dotDotThenOutsideIsEnoent() throws Exception {
        Client c = connect();
        Fid root = c.attach("a", ROOT);
        Qid rootQid = c.getattr(root).qid();
        for (String sibling : List.of("outside", "export-b", "export")) {
            // One Twalk: ".." works (the root), the sibling does not: Rwalk with one qid, no fid.
            Fid nf = c.p9.newFid();
            assertThat(c.walkRaw(root, nf, "..", sibling).qids()).containsExactly(rootQid);
            c.assertNoFid(nf);
            Fid up = c.walk(root, "..");
            assertErrno(Errno.ENOENT, "'" + sibling + "' is looked up in the export root", () -> c.walk(up, sibling));
            Fid nf3 = c.p9.newFid();
            assertThat(c.walkRaw(root, nf3, "..", "..", "..", sibling).qids())
                    .containsExactly(rootQid, rootQid, rootQid);
            c.assertNoFid(nf3);
        }
        Fid nf = c.p9.newFid();
        assertThat(c.walkRaw(root, nf, "a", "..", "..", "outside", "canary.txt").qids())
                .hasSize(3);
        c.assertNoFid(nf);
    }

    @Test
    void dotDotFromTheOtherExportsRootStaysThere() throws Exception {
        Client c = connect();
        Fid b = c.attach("b", ROOT);
        Qid bQid = c.getattr(b).qid();
        Fid up = c.walk(b, dots(16));
        assertThat(c.getattr(up).qid()).isEqualTo(bQid);
        assertThat(c.list(up)).contains("b.txt").doesNotContain("export", "outside");
        assertErrno(Errno.ENOENT, "export a is not a name in export b", () -> c.walk(up, "export"));
    }

    @Test
    void dotDotInCreateTypeNamesIsEexist() throws Exception {
        Client c = connect();
        Fid root = c.attach("a", ROOT);
        Fid top = c.walk(root, "top.txt");
        String why = "'.' and '..' exist already (QEMU answers EEXIST)";
        for (String n : List.of(".", "..")) {
            assertErrno(Errno.EEXIST, why, () -> c.lcreate(c.clone(root), n, 0, 0644, 0));
            assertErrno(Errno.EEXIST, why, () -> c.mkdir(root, n, 0755, 0));
            assertErrno(Errno.EEXIST, why, () -> c.mknod(root, n, 0010644, 0, 0, 0));
            assertErrno(Errno.EEXIST, why, () -> c.symlink(root, n, outside.toString(), 0));
            assertErrno(Errno.EEXIST, why, () -> c.link(root, top, n));
        }
    }

    @Test
    void dotDotInRenameNamesIsEisdir() throws Exception {
        Client c = connect();
        Fid root = c.attach("a", ROOT);
        Fid a = c.walk(root, "a");
        Fid top = c.walk(root, "top.txt");
        String why = "'.' and '..' are directories that cannot be renamed or replaced (QEMU: EISDIR)";
        for (String n : List.of(".", "..")) {
            assertErrno(Errno.EISDIR, why, () -> c.renameat(root, n, root, "moved"));
            assertErrno(Errno.EISDIR, why, () -> c.renameat(a, n, root, "moved"));
            assertErrno(Errno.EISDIR, why, () -> c.renameat(root, "top.txt", root, n));
            assertErrno(Errno.EISDIR, why, () -> c.renameat(root, "top.txt", a, n));
            assertErrno(Errno.EISDIR, why, () -> c.rename(top, root, n));
        }
        assertThat(export.resolve("top.txt")).exists();
        assertAbsent(export.resolve("moved"));
    }

    @Test
    void unlinkatOfDotIsEinvalAndOfDotDotIsEnotempty() throws Exception {
        Client c = connect();
        Fid root = c.attach("a", ROOT);
        Fid d = c.walk(root, "a", "b", "c", "d");
        for (Fid dir : List.of(root, d)) {
            for (int flags : new int[] {0, io.hvl9p.protocol.MiscConstants.AT_REMOVEDIR}) {
                assertErrno(Errno.EINVAL, "rmdir(\".\") is EINVAL (QEMU, rmdir(2))", () -> c.unlinkat(dir, ".", flags));
                assertErrno(
                        Errno.ENOTEMPTY,
                        "rmdir(\"..\") is ENOTEMPTY (QEMU, rmdir(2))",
                        () -> c.unlinkat(dir, "..", flags));
            }
        }
        assertThat(export.resolve("a/b/c/d")).isDirectory();
    }
}

package io.hvl9p.server.escape;

import static io.hvl9p.server.escape.Client.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.SetattrValid;
import io.hvl9p.server.linux.sys.LinuxConstants;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Symlinks in the export that point out of it. The server walks with {@code O_NOFOLLOW}, so a
 * symlink is a node of its own: walking through it is ENOTDIR (a walk from a non-directory),
 * opening it is ELOOP (what open(2) answers for O_NOFOLLOW on a symlink), and every namespace
 * operation that needs a directory is ENOTDIR. Its text can be read, but nothing the server
 * does follows it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EscapeSymlinkTest extends Sandbox {
    @Override
    void populate() throws Exception {
        Files.createDirectories(export.resolve("sub"));
        Files.writeString(export.resolve("inside.txt"), "inside\n");
        Files.createSymbolicLink(export.resolve("abs"), outside);
        Files.createSymbolicLink(export.resolve("rel"), Path.of("../outside"));
        Files.createSymbolicLink(export.resolve("sub/up2"), Path.of("../../outside"));
        Files.createSymbolicLink(export.resolve("chain1"), Path.of("chain2"));
        Files.createSymbolicLink(export.resolve("chain2"), Path.of("sub/chain3"));
        Files.createSymbolicLink(export.resolve("sub/chain3"), Path.of("../../outside"));
        Files.createSymbolicLink(export.resolve("file-link"), canary);
        Files.createSymbolicLink(export.resolve("rel-file-link"), Path.of("../outside/canary.txt"));
        Files.createSymbolicLink(export.resolve("dangling"), outside.resolve("created-by-client"));
    }

    private Client c;
    private Fid root;

    private Fid rootAsRoot() throws Exception {
        c = connect();
        root = c.attach("a", ROOT);
        return root;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abs", "rel", "sub/up2", "chain1"})
    void walkThroughSymlinkToOutsideDirectoryIsEnotdir(String link) throws Exception {
        rootAsRoot();
        String[] steps = link.split("/");
        Fid l = c.walk(root, steps);
        assertErrno(Errno.ENOTDIR, "a walk from a symlink node (never followed)", () -> c.walk(l, "canary.txt"));
        assertErrno(Errno.ENOTDIR, "a walk from a symlink node", () -> c.walk(l, "canary-dir", "inner.txt"));
        // In one Twalk: the steps up to the link work, the next fails, and no fid is made.
        Fid nf = c.p9.newFid();
        String[] through = java.util.Arrays.copyOf(steps, steps.length + 1);
        through[steps.length] = "canary.txt";
        RMessage.Rwalk r = c.walkRaw(root, nf, through);
        assertThat(r.qids()).hasSize(steps.length);
        assertThat(r.qids().getLast().type()).isEqualTo(Qid.QTSYMLINK);
        c.assertNoFid(nf);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abs", "rel", "sub/up2", "chain1", "file-link", "rel-file-link", "dangling"})
    void lopenOfSymlinkToOutsideIsEloop(String link) throws Exception {
        rootAsRoot();
        for (int flags : new int[] {
            OpenFlags.RDONLY,
            OpenFlags.RDWR,
            OpenFlags.WRONLY | OpenFlags.TRUNC,
            OpenFlags.RDONLY | OpenFlags.DIRECTORY,
            OpenFlags.WRONLY | OpenFlags.APPEND
        }) {
            Fid l = c.walk(root, link.split("/"));
            assertErrno(
                    Errno.ELOOP,
                    "open(O_NOFOLLOW) of a symlink, flags 0" + Integer.toOctalString(flags),
                    () -> c.lopen(l, flags));
            c.clunk(l);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abs", "rel", "sub/up2", "chain1", "file-link"})
    void getattrOfSymlinkShowsTheSymlinkNotItsTarget(String link) throws Exception {
        rootAsRoot();
        Fid l = c.walk(root, link.split("/"));
        RMessage.Rgetattr a = c.getattr(l);
        assertThat(a.mode() & LinuxConstants.S_IFMT).isEqualTo(LinuxConstants.S_IFLNK);
        assertThat(a.qid().type()).isEqualTo(Qid.QTSYMLINK);
        Path host = export.resolve(link);
        assertThat(a.size()).isEqualTo(Files.readSymbolicLink(host).toString().length());
    }

    @Test
    void readlinkReturnsTheTextButNothingFollowsIt() throws Exception {
        rootAsRoot();
        Fid l = c.walk(root, "abs");
        String text = c.readlink(l);
        assertThat(text).isEqualTo(outside.toString());
        // The text is a host path; walked from the export root it names nothing.
        String[] parts = text.substring(1).split("/");
        assertErrno(Errno.ENOENT, "the host path's first component is not in the export", () -> c.walk(root, parts));
        Fid chain = c.walk(root, "chain1");
        assertThat(c.readlink(chain)).isEqualTo("chain2");
        Fid rel = c.walk(root, "sub", "up2");
        assertThat(c.readlink(rel)).isEqualTo("../../outside");
        Fid inside = c.walk(root, "inside.txt");
        assertErrno(Errno.EINVAL, "readlink of a regular file (readlink(2))", () -> c.readlink(inside));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abs", "rel", "chain1"})
    void createTypeRequestsInSymlinkToOutsideDirectoryAreEnotdir(String link) throws Exception {
        rootAsRoot();
        Fid l = c.walk(root, link);
        String dir = "a directory is needed; the symlink node is none";
        assertErrno(Errno.ENOTDIR, dir, () -> c.lcreate(c.clone(l), "created", OpenFlags.RDWR, 0644, 0));
        assertErrno(Errno.ENOTDIR, dir, () -> c.mkdir(l, "created", 0755, 0));
        assertErrno(Errno.ENOTDIR, dir, () -> c.mknod(l, "created", LinuxConstants.S_IFIFO | 0644, 0, 0, 0));
        assertErrno(Errno.ENOTDIR, dir, () -> c.symlink(l, "created", "x", 0));
        Fid inside = c.walk(root, "inside.txt");
        assertErrno(Errno.ENOTDIR, dir, () -> c.link(l, inside, "created"));
        assertErrno(Errno.ENOTDIR, dir, () -> c.renameat(root, "inside.txt", l, "created"));
        assertErrno(Errno.ENOTDIR, dir, () -> c.renameat(l, "canary.txt", root, "stolen"));
        assertErrno(Errno.ENOTDIR, dir, () -> c.rename(inside, l, "created"));
        assertErrno(Errno.ENOTDIR, dir, () -> c.unlinkat(l, "canary.txt", 0));
        assertErrno(Errno.ENOTDIR, dir, () -> c.unlinkat(l, "canary-dir", LinuxConstants.AT_REMOVEDIR));
        assertThat(export.resolve("inside.txt")).exists();
        assertAbsent(export.resolve("stolen"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file-link", "rel-file-link"})
    void setattrThroughSymlinkToOutsideFileNeverReachesTheFile(String link) throws Exception {
        rootAsRoot();
        Fid l = c.walk(root, link);
        assertErrno(
                Errno.EOPNOTSUPP,
                "chmod of a symlink: Linux symlinks have no mode of their own",
                () -> c.setattr(l, SetattrValid.MODE, 0777, 0, 0, 0));
        assertErrno(
                Errno.EINVAL,
                "truncate of a symlink (a special file here)",
                () -> c.setattr(l, SetattrValid.SIZE, 0, 0, 0, 0));
        assertErrno(
                Errno.EOPNOTSUPP,
                "utimes of a symlink would follow it through /proc/self/fd",
                () -> c.setattr(l, SetattrValid.MTIME | SetattrValid.ATIME, 0, 0, 0, 0));
        // chown acts on the link itself (AT_SYMLINK_NOFOLLOW), which lies in the export.
        c.setattr(l, SetattrValid.UID | SetattrValid.GID, 0, USER, USER, 0);
        assertThat(stat(export.resolve(link)).get("uid")).isEqualTo(USER);
        assertThat(stat(canary).get("uid")).isEqualTo(ROOT);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file-link", "abs"})
    void xattrsThroughSymlinkToOutsideAreTheSymlinksOwn(String link) throws Exception {
        rootAsRoot();
        Fid l = c.walk(root, link);
        assertErrno(
                Errno.ENODATA, "the canary's xattr is the target's, not the link's", () -> c.getxattr(l, CANARY_XATTR));
        assertThat(c.listxattr(l)).doesNotContain(CANARY_XATTR);
        assertErrno(
                Errno.EPERM,
                "Linux allows user.* xattrs on regular files and directories only",
                () -> c.setxattr(l, "user.escape", "x"));
        // trusted.* is allowed on a symlink, to root: it must land on the link, not on its target.
        c.setxattr(l, "trusted.escape", "on-the-link");
        assertThat(lgetxattr(export.resolve(link), "trusted.escape")).asString().isEqualTo("on-the-link");
    }

    @Test
    void hardLinkOfSymlinkLinksTheSymlinkItself() throws Exception {
        rootAsRoot();
        Fid l = c.walk(root, "file-link");
        c.link(root, l, "hard");
        Path hard = export.resolve("hard");
        assertThat(Files.isSymbolicLink(hard)).isTrue();
        assertThat(stat(hard).get("ino"))
                .isEqualTo(stat(export.resolve("file-link")).get("ino"));
        assertThat(stat(canary).get("nlink")).isEqualTo(1);
    }

    @Test
    void renameatOfSymlinkRenamesTheLinkNotItsTarget() throws Exception {
        rootAsRoot();
        c.renameat(root, "file-link", root, "renamed-link");
        assertThat(Files.readSymbolicLink(export.resolve("renamed-link"))).isEqualTo(canary);
        assertAbsent(export.resolve("file-link"));
        Fid dir = c.walk(root, "abs");
        assertErrno(
                Errno.ENOTDIR,
                "the new directory is a symlink node",
                () -> c.renameat(root, "renamed-link", dir, "canary.txt"));
    }

    @Test
    void lcreateOnDanglingSymlinkToOutsideCreatesNothing() throws Exception {
        rootAsRoot();
        assertErrno(
                Errno.ELOOP,
                "O_CREAT|O_EXCL|O_NOFOLLOW finds the link (EEXIST), and the existing node, a symlink, is not opened",
                () -> c.lcreate(c.clone(root), "dangling", OpenFlags.RDWR | OpenFlags.CREATE, 0644, 0));
        assertErrno(
                Errno.EEXIST,
                "O_EXCL: the name exists",
                () -> c.lcreate(
                        c.clone(root), "dangling", OpenFlags.RDWR | OpenFlags.CREATE | OpenFlags.EXCL, 0644, 0));
        assertErrno(
                Errno.EEXIST, "mkdir(2) never follows the last component", () -> c.mkdir(root, "dangling", 0755, 0));
        assertErrno(
                Errno.EEXIST,
                "mknod(2) never follows the last component",
                () -> c.mknod(root, "dangling", LinuxConstants.S_IFIFO | 0644, 0, 0, 0));
        assertErrno(
                Errno.EEXIST, "symlink(2) never follows the last component", () -> c.symlink(root, "dangling", "x", 0));
        assertErrno(
                Errno.ELOOP,
                "the file link is not opened either",
                () -> c.lcreate(
                        c.clone(root), "file-link", OpenFlags.WRONLY | OpenFlags.TRUNC | OpenFlags.CREATE, 0644, 0));
        assertAbsent(outside.resolve("created-by-client"));
        assertThat(Files.readString(canary)).isEqualTo(CANARY_TEXT);
    }

    @Test
    void symlinkMadeByTheClientIsNotFollowedEither() throws Exception {
        rootAsRoot();
        c.symlink(root, "mine", outside.toString(), 0);
        c.symlink(root, "mine-rel", "../outside/canary.txt", 0);
        assertThat(Files.readSymbolicLink(export.resolve("mine"))).isEqualTo(outside);
        Fid nf = c.p9.newFid();
        assertThat(c.walkRaw(root, nf, "mine", "canary.txt").qids()).hasSize(1);
        c.assertNoFid(nf);
        Fid rel = c.walk(root, "mine-rel");
        assertErrno(Errno.ELOOP, "open of a symlink", () -> c.lopen(rel, OpenFlags.RDWR));
        assertThat(Files.isSymbolicLink(export.resolve("mine-rel"))).isTrue();
        assertThat(Files.exists(export.resolve("mine-rel"), LinkOption.NOFOLLOW_LINKS))
                .isTrue();
    }
}

package io.hvl9p.server.escape;

import static io.hvl9p.server.escape.Client.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.SetattrValid;
import io.hvl9p.server.linux.sys.LinuxConstants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fid kept on export/x/y while the host moves export/x out of the export. The fid's O_PATH
 * descriptor follows the directory wherever it goes, so a server that trusted it would act
 * outside the export. A directory (or file) used by a request must still lie beneath the export
 * root: the server answers ENOENT, as if the name were gone (from the export's point of view it
 * is), and nothing is created in, changed in or taken from outside/x.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EscapeMovedOutTest extends Sandbox {
    private static final String GONE = "the directory was moved out of the export: ENOENT";

    private Client c;
    private Fid root;
    private Fid x;
    private Fid y;
    private Fid f;

    @Override
    void populate() throws Exception {
        Files.createDirectories(export.resolve("x/y/sub"));
        Files.writeString(export.resolve("x/y/f"), "f in y\n");
        Files.writeString(export.resolve("x/y/old"), "old\n");
        Files.writeString(export.resolve("top.txt"), "top\n");
    }

    @BeforeEach
    void keepFidsThenMoveOut() throws Exception {
        c = connect();
        root = c.attach("a", ROOT);
        x = c.walk(root, "x");
        y = c.walk(root, "x", "y");
        f = c.walk(root, "x", "y", "f");
    }

    /** The host moves export/x to {@code to} (a rename: the fids' descriptors follow it). */
    private Path hostMovesXTo(Path to) throws Exception {
        Files.move(export.resolve("x"), to, StandardCopyOption.ATOMIC_MOVE);
        rebaseline();
        return to;
    }

    @Test
    void walkFromAFidMovedOutOfTheExportIsEnoent() throws Exception {
        hostMovesXTo(outside.resolve("x"));
        assertErrno(Errno.ENOENT, GONE, () -> c.walk(y, "sub"));
        assertErrno(Errno.ENOENT, GONE, () -> c.walk(y, "f"));
        assertErrno(Errno.ENOENT, GONE + " (and .. would lead to outside/)", () -> c.walk(y, ".."));
        assertErrno(Errno.ENOENT, GONE + " (x's parent is outside/)", () -> c.walk(x, "..", "canary.txt"));
        assertErrno(Errno.ENOENT, GONE, () -> c.walk(x, "y"));
    }

    @Test
    void createInAFidMovedOutOfTheExportIsEnoent() throws Exception {
        Path moved = hostMovesXTo(outside.resolve("x"));
        assertErrno(Errno.ENOENT, GONE, () -> c.lcreate(c.clone(y), "new", OpenFlags.RDWR, 0644, 0));
        assertErrno(Errno.ENOENT, GONE, () -> c.lcreate(c.clone(y), "f", OpenFlags.RDWR | OpenFlags.TRUNC, 0644, 0));
        assertErrno(Errno.ENOENT, GONE, () -> c.mkdir(y, "new", 0755, 0));
        assertErrno(Errno.ENOENT, GONE, () -> c.mknod(y, "new", LinuxConstants.S_IFIFO | 0644, 0, 0, 0));
        assertErrno(Errno.ENOENT, GONE, () -> c.symlink(y, "new", "x", 0));
        assertErrno(Errno.ENOENT, GONE, () -> c.link(y, c.walk(root, "top.txt"), "new"));
        assertAbsent(moved.resolve("y/new"));
        assertThat(moved.resolve("y/f")).hasContent("f in y");
    }

    @Test
    void listingAFidMovedOutOfTheExportIsEnoent() throws Exception {
        hostMovesXTo(outside.resolve("x"));
        Files.writeString(outside.resolve("x/y/placed-later"), "secret placed by the host\n");
        rebaseline();
        Fid d = c.clone(y);
        assertErrno(
                Errno.ENOENT,
                GONE + ": opening it would list outside/x/y",
                () -> c.lopen(d, OpenFlags.RDONLY | OpenFlags.DIRECTORY));
        Fid up = c.clone(x);
        assertErrno(Errno.ENOENT, GONE, () -> c.lopen(up, OpenFlags.RDONLY));
    }

    @Test
    void openingAFileMovedOutOfTheExportIsEnoent() throws Exception {
        Path moved = hostMovesXTo(outside.resolve("x"));
        Fid r = c.clone(f);
        assertErrno(Errno.ENOENT, GONE + ": reading outside/x/y/f", () -> c.lopen(r, OpenFlags.RDONLY));
        Fid w = c.clone(f);
        assertErrno(
                Errno.ENOENT, GONE + ": writing outside/x/y/f", () -> c.lopen(w, OpenFlags.WRONLY | OpenFlags.TRUNC));
        assertThat(moved.resolve("y/f")).hasContent("f in y");
    }

    @Test
    void renamingInOrOutOfAFidMovedOutOfTheExportIsEnoent() throws Exception {
        Path moved = hostMovesXTo(outside.resolve("x"));
        assertErrno(Errno.ENOENT, GONE + ": taking f out", () -> c.renameat(y, "f", root, "stolen"));
        assertErrno(Errno.ENOENT, GONE + ": putting top.txt out", () -> c.renameat(root, "top.txt", y, "dropped"));
        assertErrno(Errno.ENOENT, GONE + ": within outside/x/y", () -> c.renameat(y, "f", y, "g"));
        assertErrno(Errno.ENOENT, GONE + ": f's parent is outside", () -> c.rename(f, root, "stolen"));
        assertErrno(Errno.ENOENT, GONE + ": y's parent is outside", () -> c.rename(y, root, "stolen"));
        assertErrno(Errno.ENOENT, GONE, () -> c.rename(c.walk(root, "top.txt"), y, "dropped"));
        assertAbsent(export.resolve("stolen"));
        assertAbsent(moved.resolve("y/dropped"));
        assertThat(export.resolve("top.txt")).hasContent("top");
    }

    @Test
    void unlinkingInAFidMovedOutOfTheExportIsEnoent() throws Exception {
        Path moved = hostMovesXTo(outside.resolve("x"));
        assertErrno(Errno.ENOENT, GONE, () -> c.unlinkat(y, "old", 0));
        assertErrno(Errno.ENOENT, GONE, () -> c.unlinkat(y, "sub", LinuxConstants.AT_REMOVEDIR));
        assertErrno(Errno.ENOENT, GONE, () -> c.remove(c.clone(f)));
        assertErrno(Errno.ENOENT, GONE, () -> c.remove(c.walk(y)));
        assertThat(moved.resolve("y/old")).exists();
        assertThat(moved.resolve("y/sub")).isDirectory();
    }

    @Test
    void hardLinkingAFileMovedOutOfTheExportBackInIsEnoent() throws Exception {
        Path moved = hostMovesXTo(outside.resolve("x"));
        // Linking it in would give the client a name inside the export for a file outside it.
        assertErrno(Errno.ENOENT, GONE + ": the link's target lies outside", () -> c.link(root, f, "stolen"));
        assertAbsent(export.resolve("stolen"));
        assertThat(stat(moved.resolve("y/f")).get("nlink")).isEqualTo(1);
    }

    @Test
    void changingAttributesOfAFileMovedOutOfTheExportIsEnoent() throws Exception {
        hostMovesXTo(outside.resolve("x"));
        assertErrno(Errno.ENOENT, GONE + ": chmod outside", () -> c.setattr(f, SetattrValid.MODE, 04777, 0, 0, 0));
        assertErrno(Errno.ENOENT, GONE + ": chown outside", () -> c.setattr(y, SetattrValid.UID, 0, USER, 0, 0));
        assertErrno(Errno.ENOENT, GONE + ": truncate outside", () -> c.setattr(f, SetattrValid.SIZE, 0, 0, 0, 0));
        assertErrno(Errno.ENOENT, GONE + ": touch outside", () -> c.setattr(f, SetattrValid.MTIME, 0, 0, 0, 0));
        assertErrno(Errno.ENOENT, GONE + ": setxattr outside", () -> c.setxattr(f, "user.planted", "x"));
        assertErrno(Errno.ENOENT, GONE + ": removexattr outside", () -> c.setxattr(y, "user.none", ""));
    }

    @Test
    void movedIntoTheSiblingExportWhosePathExtendsOursIsEnoent() throws Exception {
        // export-b's path starts with export's: a prefix test without the '/' would let it through.
        Path moved = hostMovesXTo(exportB.resolve("x"));
        List<String> before = List.of("f", "old", "sub");
        assertErrno(Errno.ENOENT, GONE + " (into export-b)", () -> c.walk(y, "f"));
        assertErrno(Errno.ENOENT, GONE + " (into export-b)", () -> c.mkdir(y, "new", 0755, 0));
        assertErrno(Errno.ENOENT, GONE + " (into export-b)", () -> c.lopen(c.clone(y), OpenFlags.RDONLY));
        try (var s = Files.list(moved.resolve("y"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(before);
        }
    }

    @Test
    void movedBackInTheFidWorksAgain() throws Exception {
        // The control: the check is where the directory is now, not a mark left on the fid.
        hostMovesXTo(outside.resolve("x"));
        assertErrno(Errno.ENOENT, GONE, () -> c.walk(y, "f"));
        Files.move(outside.resolve("x"), export.resolve("x"), StandardCopyOption.ATOMIC_MOVE);
        rebaseline();
        Fid again = c.walk(y, "f");
        c.lopen(again, OpenFlags.RDONLY);
        assertThat(c.read(again, 0, 100)).isEqualTo("f in y\n");
        assertThat(c.list(y)).contains("f", "old", "sub");
    }
}

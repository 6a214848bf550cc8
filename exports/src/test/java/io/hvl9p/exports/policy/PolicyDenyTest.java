package io.hvl9p.exports.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.exports.policy.ExportPolicy.Squash;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Node;
import io.hvl9p.server.spi.OpenFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deny globs on a real export ({@code secret} at the root, {@code *.key} at any depth): denied
 * paths are absent from readdir, ENOENT on walk, unreachable beneath a denied directory by any
 * route, and cannot be created, renamed into, linked to or removed. Each refusal is checked on
 * disk.
 */
class PolicyDenyTest {
    @TempDir
    Path dir;

    private Path export;
    private PolicyFixture fx;
    private Node root;

    @BeforeEach
    void tree() {
        export = dir.resolve("export");
        Disk.mkdir(export, "rwxr-xr-x");
        Disk.mkdir(export.resolve("secret"), "rwxr-xr-x");
        Disk.write(export.resolve("secret/inner.txt"), "s", "rw-r--r--");
        Disk.write(export.resolve("a.key"), "k", "rw-r--r--");
        Disk.mkdir(export.resolve("d"), "rwxr-xr-x");
        Disk.write(export.resolve("d/b.key"), "k", "rw-r--r--");
        Disk.write(export.resolve("d/ok.txt"), "ok", "rw-r--r--");
        Disk.write(export.resolve("visible.txt"), "v", "rw-r--r--");
        fx = new PolicyFixture();
        ExportPolicy p = new ExportPolicy(
                "m",
                export,
                false,
                Squash.NONE,
                ExportPolicy.NOBODY,
                ExportPolicy.NOBODY,
                Map.of(),
                Map.of(),
                List.of("secret", "**/*.key"),
                false,
                0);
        root = fx.attach(p, Identity.ROOT);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private Node walk(Node from, String... names) {
        return fx.w.call(() -> {
            Node cur = from.duplicate();
            for (String n : names) {
                Node next;
                try {
                    next = cur.walk(P9Name.of(n));
                } finally {
                    cur.close();
                }
                cur = next;
            }
            return fx.track(cur);
        });
    }

    private void expectEnoent(ThrowingCallable c) {
        assertThatThrownBy(c).isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.errno())
                .isEqualTo(Errno.ENOENT));
    }

    private List<String> list(Node d) {
        return fx.w.call(() -> {
            List<String> names = new ArrayList<>();
            try (OpenFile o = d.open(OpenFlags.RDONLY | OpenFlags.DIRECTORY)) {
                o.readdir(0, (qid, next, type, name) -> names.add(new String(name, StandardCharsets.UTF_8)));
            }
            return names;
        });
    }

    @Test
    void walkToADeniedPathIsEnoent() {
        expectEnoent(() -> walk(root, "secret"));
        expectEnoent(() -> walk(root, "a.key"));
        expectEnoent(() -> walk(root, "d", "b.key"));
        assertThat(walk(root, "d", "ok.txt")).isNotNull();
        assertThat(walk(root, "visible.txt")).isNotNull();
    }

    @Test
    void aDeniedDirectorysChildrenAreUnreachableByAnyRoute() {
        expectEnoent(() -> walk(root, "secret", "inner.txt"));
        expectEnoent(() -> walk(root, "d", "..", "secret"));
        expectEnoent(() -> walk(root, "..", "secret")); // ".." at the root stays at the root
        expectEnoent(() -> walk(root, "..", "..", "d", "..", "secret", "inner.txt"));
        expectEnoent(() -> walk(root, ".", "secret"));
    }

    @Test
    void readdirLeavesDeniedEntriesOut() {
        assertThat(list(root)).contains(".", "..", "d", "visible.txt").doesNotContain("secret", "a.key");
        assertThat(list(walk(root, "d"))).contains("ok.txt").doesNotContain("b.key");
    }

    @Test
    void readdirResumesCorrectlyAcrossDeniedEntries() {
        // One entry per call, as a tiny Treaddir count would give: every visible name once, none denied.
        List<String> names = fx.w.call(() -> {
            List<String> out = new ArrayList<>();
            try (OpenFile o = root.open(OpenFlags.RDONLY)) {
                long[] cookie = {0};
                boolean[] more = {true};
                while (more[0]) {
                    more[0] = false;
                    boolean[] taken = {false};
                    o.readdir(cookie[0], (qid, next, type, name) -> {
                        if (taken[0]) {
                            return false;
                        }
                        taken[0] = true;
                        more[0] = true;
                        cookie[0] = next;
                        out.add(new String(name, StandardCharsets.UTF_8));
                        return true;
                    });
                }
            }
            return out;
        });
        assertThat(names).containsExactlyInAnyOrder(".", "..", "d", "visible.txt");
    }

    @Test
    void deniedNamesCannotBeCreated() {
        Node d = walk(root, "d");
        expectEnoent(() -> fx.w.call(() -> root.create(P9Name.of("x.key"), OpenFlags.RDWR, 0644, 0)));
        expectEnoent(() ->
                fx.w.call(() -> root.create(P9Name.of("a.key"), OpenFlags.RDWR, 0644, 0))); // exists: not opened either
        expectEnoent(() -> fx.w.call(() -> d.mkdir(P9Name.of("dir.key"), 0755, 0)));
        expectEnoent(() -> fx.w.call(() -> root.mkdir(P9Name.of("secret"), 0755, 0)));
        expectEnoent(() -> fx.w.call(() -> root.symlink(P9Name.of("s.key"), P9String.of("visible.txt"), 0)));
        expectEnoent(() -> fx.w.call(() -> root.mknod(P9Name.of("p.key"), 0010644, 0, 0, 0)));
        assertThat(Disk.exists(export.resolve("x.key"))).isFalse();
        assertThat(Disk.exists(export.resolve("d/dir.key"))).isFalse();
        assertThat(Disk.exists(export.resolve("s.key"))).isFalse();
        assertThat(Disk.exists(export.resolve("p.key"))).isFalse();
        assertThat(Disk.read(export.resolve("a.key"))).isEqualTo("k");
        // Names that are not denied still work.
        fx.w.run(() -> root.mkdir(P9Name.of("key"), 0755, 0));
        assertThat(Disk.exists(export.resolve("key"))).isTrue();
    }

    @Test
    void nothingCanBeRenamedOrLinkedIntoADeniedName() {
        Node v = walk(root, "visible.txt");
        Node d = walk(root, "d");
        expectEnoent(() -> fx.w.run(() -> v.rename(root, P9Name.of("v.key"))));
        expectEnoent(() -> fx.w.run(() -> v.rename(root, P9Name.of("secret"))));
        expectEnoent(() -> fx.w.run(() -> root.renameat(P9Name.of("visible.txt"), d, P9Name.of("v.key"))));
        expectEnoent(() -> fx.w.run(() -> root.link(P9Name.of("l.key"), v)));
        expectEnoent(() -> fx.w.run(() -> d.link(P9Name.of("l.key"), v)));
        assertThat(Disk.read(export.resolve("visible.txt"))).isEqualTo("v");
        assertThat(Disk.exists(export.resolve("v.key"))).isFalse();
        assertThat(Disk.exists(export.resolve("d/v.key"))).isFalse();
        assertThat(Disk.exists(export.resolve("l.key"))).isFalse();
        assertThat(Disk.exists(export.resolve("d/l.key"))).isFalse();
        assertThat(Disk.read(export.resolve("secret/inner.txt"))).isEqualTo("s");
    }

    @Test
    void deniedFilesCannotBeRenamedOutOrRemoved() {
        Node d = walk(root, "d");
        expectEnoent(() -> fx.w.run(() -> root.renameat(P9Name.of("secret"), root, P9Name.of("open"))));
        expectEnoent(() -> fx.w.run(() -> d.renameat(P9Name.of("b.key"), d, P9Name.of("b.txt"))));
        expectEnoent(() -> fx.w.run(() -> root.unlinkat(P9Name.of("a.key"), 0)));
        assertThat(Disk.exists(export.resolve("secret/inner.txt"))).isTrue();
        assertThat(Disk.exists(export.resolve("d/b.key"))).isTrue();
        assertThat(Disk.exists(export.resolve("d/b.txt"))).isFalse();
        assertThat(Disk.exists(export.resolve("open"))).isFalse();
        assertThat(Disk.exists(export.resolve("a.key"))).isTrue();
    }

    @Test
    void aRenameThroughTheNodeMovesItsPathWithIt() {
        // d/box moves to the root: its ".." is now the root, where "secret" is denied.
        Disk.mkdir(export.resolve("d/box"), "rwxr-xr-x");
        Node box = walk(root, "d", "box");
        fx.w.run(() -> box.rename(root, P9Name.of("box")));
        assertThat(Disk.exists(export.resolve("box"))).isTrue();
        expectEnoent(() -> walk(box, "..", "secret"));
        expectEnoent(() -> walk(box, "..", "secret", "inner.txt"));
    }

    @Test
    void aDirectoryRenamedThroughAnotherFidIsJudgedByWhereItIsNow() {
        // As the Linux client does: Trenameat on the parent's fid, the directory's own fid kept.
        Disk.mkdir(export.resolve("d/box"), "rwxr-xr-x");
        Disk.mkdir(export.resolve("d/box/deeper"), "rwxr-xr-x");
        Node box = walk(root, "d", "box");
        Node deeper = walk(root, "d", "box", "deeper");
        Node d = walk(root, "d");
        fx.w.run(() -> d.renameat(P9Name.of("box"), root, P9Name.of("moved")));
        assertThat(Disk.exists(export.resolve("moved/deeper"))).isTrue();
        expectEnoent(() -> walk(box, "..", "secret"));
        expectEnoent(() -> walk(deeper, "..", "..", "secret", "inner.txt"));
        // Renamed again under a name the hint does not know: found in the listing.
        fx.w.run(() -> root.renameat(P9Name.of("moved"), d, P9Name.of("back")));
        expectEnoent(() -> walk(deeper, "..", "..", "..", "secret"));
        assertThat(fx.w.call(() -> ((PolicyNode) box).toString())).isNotNull();
        // Still usable: creating in the moved directory works and lands where it is now.
        fx.w.run(() -> box.mkdir(P9Name.of("made"), 0755, 0));
        assertThat(Disk.exists(export.resolve("d/back/made"))).isTrue();
        assertThat(walk(deeper, "..", "made")).isNotNull();
    }

    @Test
    void onlyRenamesOfDirectoriesMakeNodesLocateThemselvesAgain() {
        Node d = walk(root, "d");
        long before = fx.last.renames.get();
        fx.w.run(() -> root.renameat(P9Name.of("visible.txt"), d, P9Name.of("v.txt")));
        Node v = walk(d, "v.txt");
        fx.w.run(() -> v.rename(root, P9Name.of("v2.txt")));
        assertThat(fx.last.renames.get()).isEqualTo(before);
        Disk.mkdir(export.resolve("sub"), "rwxr-xr-x");
        fx.w.run(() -> root.renameat(P9Name.of("sub"), d, P9Name.of("sub")));
        assertThat(fx.last.renames.get()).isEqualTo(before + 1);
        Node sub = walk(d, "sub");
        fx.w.run(() -> sub.rename(root, P9Name.of("sub2")));
        assertThat(fx.last.renames.get()).isEqualTo(before + 2);
        assertThat(Disk.exists(export.resolve("sub2"))).isTrue();
        expectEnoent(() -> walk(sub, "..", "secret"));
    }

    @Test
    void nodesOfTheSameExportAreTheSameBackendOnlyThroughThePolicy() {
        Node d = walk(root, "d");
        assertThat(fx.w.call(() -> root.sameBackend(d))).isTrue();
        Path other = dir.resolve("other");
        Disk.mkdir(other, "rwxr-xr-x");
        Node otherRoot = fx.attach(PolicyFixture.policy(other), Identity.ROOT);
        assertThat(fx.w.call(() -> root.sameBackend(otherRoot))).isFalse();
        assertThatThrownBy(() -> fx.w.run(() -> otherRoot.renameat(P9Name.of("x"), d, P9Name.of("y"))))
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EXDEV));
    }
}

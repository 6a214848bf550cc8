package io.hvl9p.exports.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.exports.policy.ExportPolicy.Squash;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.SetattrValid;
import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.server.spi.Backend;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Node;
import io.hvl9p.server.spi.OpenFile;
import io.hvl9p.server.spi.SetAttr;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mutating request × read-only / read-write × each squash mode, against a real LinuxBackend
 * over a temporary directory, checked on disk: read-only changes nothing and fails with EROFS;
 * read-write makes the change, and what it creates belongs to the identity the server acts as
 * (root attaching: root without squash, the anonymous ids with root squash or squash-all). The
 * tests run as root, as CI does.
 */
class PolicyMatrixTest {
    static final int ANON_UID = 65534;
    static final int ANON_GID = 65533; // unlike the uid, so that a swap would show

    @TempDir
    Path dir;

    private Path export;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Worker w = new Worker();

    /** One mutating request: what it does through the SPI, and how its effect shows on disk. */
    enum Op {
        LCREATE(true) {
            @Override
            void run(Node root) {
                Node.Created c = root.create(P9Name.of("new"), OpenFlags.RDWR | OpenFlags.CREATE, 0644, 0);
                c.file().close();
                c.node().close();
            }

            @Override
            Path made(Path e) {
                return e.resolve("new");
            }
        },
        MKDIR(true) {
            @Override
            void run(Node root) {
                root.mkdir(P9Name.of("nd"), 0755, 0);
            }

            @Override
            Path made(Path e) {
                return e.resolve("nd");
            }
        },
        SYMLINK(true) {
            @Override
            void run(Node root) {
                root.symlink(P9Name.of("sl"), P9String.of("f"), 0);
            }

            @Override
            Path made(Path e) {
                return e.resolve("sl");
            }
        },
        MKNOD(true) {
            @Override
            void run(Node root) {
                root.mknod(P9Name.of("fifo"), 0010644, 0, 0, 0);
            }

            @Override
            Path made(Path e) {
                return e.resolve("fifo");
            }
        },
        LINK(false) {
            @Override
            void run(Node root) {
                try (Node f = root.walk(P9Name.of("f"))) {
                    root.link(P9Name.of("hl"), f);
                }
            }

            @Override
            void check(Path e) {
                assertThat(Disk.attrs(e.resolve("hl")).get("ino"))
                        .isEqualTo(Disk.attrs(e.resolve("f")).get("ino"));
            }
        },
        RENAME(false) {
            @Override
            void run(Node root) {
                try (Node f = root.walk(P9Name.of("f"))) {
                    f.rename(root, P9Name.of("f2"));
                }
            }

            @Override
            void check(Path e) {
                assertThat(Disk.exists(e.resolve("f"))).isFalse();
                assertThat(Disk.read(e.resolve("f2"))).isEqualTo("hello");
            }
        },
        RENAMEAT(false) {
            @Override
            void run(Node root) {
                try (Node d = root.walk(P9Name.of("d"))) {
                    root.renameat(P9Name.of("f"), d, P9Name.of("f3"));
                }
            }

            @Override
            void check(Path e) {
                assertThat(Disk.exists(e.resolve("f"))).isFalse();
                assertThat(Disk.read(e.resolve("d/f3"))).isEqualTo("hello");
            }
        },
        UNLINKAT(false) {
            @Override
            void run(Node root) {
                root.unlinkat(P9Name.of("f"), 0);
            }

            @Override
            void check(Path e) {
                assertThat(Disk.exists(e.resolve("f"))).isFalse();
            }
        },
        UNLINKAT_DIR(false) {
            @Override
            void run(Node root) {
                root.unlinkat(P9Name.of("e"), MiscConstants.AT_REMOVEDIR);
            }

            @Override
            void check(Path e) {
                assertThat(Disk.exists(e.resolve("e"))).isFalse();
            }
        },
        REMOVE(false) {
            @Override
            void run(Node root) {
                try (Node d = root.walk(P9Name.of("d"));
                        Node g = d.walk(P9Name.of("g"))) {
                    g.remove();
                }
            }

            @Override
            void check(Path e) {
                assertThat(Disk.exists(e.resolve("d/g"))).isFalse();
            }
        },
        SETATTR(false) {
            @Override
            void run(Node root) {
                try (Node f = root.walk(P9Name.of("f"))) {
                    f.setattr(new SetAttr(SetattrValid.SIZE, 0, 0, 0, 2, 0, 0, 0, 0));
                }
            }

            @Override
            void check(Path e) {
                assertThat(Disk.read(e.resolve("f"))).isEqualTo("he");
            }
        },
        WRITE(false) {
            @Override
            void run(Node root) {
                try (Node f = root.walk(P9Name.of("f"));
                        OpenFile o = f.open(OpenFlags.WRONLY)) {
                    o.write(0, ByteBuffer.wrap("J".getBytes(StandardCharsets.UTF_8)));
                }
            }

            @Override
            void check(Path e) {
                assertThat(Disk.read(e.resolve("f"))).isEqualTo("Jello");
            }
        },
        LOPEN_TRUNC(false) {
            @Override
            void run(Node root) {
                try (Node f = root.walk(P9Name.of("f"));
                        OpenFile o = f.open(OpenFlags.RDONLY | OpenFlags.TRUNC)) {
                    assertThat(o).isNotNull();
                }
            }

            @Override
            void check(Path e) {
                assertThat(Disk.read(e.resolve("f"))).isEmpty();
            }
        },
        XATTR(false) {
            @Override
            void run(Node root) {
                try (Node f = root.walk(P9Name.of("f"))) {
                    f.setxattr(P9String.of("user.k"), "v".getBytes(StandardCharsets.UTF_8), 0);
                }
            }

            @Override
            void check(Path e) {
                assertThat(Disk.xattr(e.resolve("f"), "k")).isEqualTo("v");
            }
        };

        /** Whether the request makes a file (whose owner is then checked). */
        final boolean creates;

        Op(boolean creates) {
            this.creates = creates;
        }

        abstract void run(Node root);

        /** The file it made, for those that create. */
        Path made(Path e) {
            throw new UnsupportedOperationException(name());
        }

        /** Its effect, for those that do not create. */
        void check(Path e) {
            assertThat(Disk.exists(made(e))).as("%s made", made(e)).isTrue();
        }
    }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (Op op : Op.values()) {
            for (boolean ro : new boolean[] {true, false}) {
                for (Squash sq : Squash.values()) {
                    out.add(Arguments.of(op, ro, sq));
                }
            }
        }
        return out.stream();
    }

    @BeforeEach
    void tree() {
        // Everything is writable by anybody: under squash the server acts as the anonymous ids.
        export = dir.resolve("export");
        Disk.mkdir(export, "rwxrwxrwx");
        Disk.write(export.resolve("f"), "hello", "rw-rw-rw-");
        Disk.mkdir(export.resolve("d"), "rwxrwxrwx");
        Disk.write(export.resolve("d/g"), "g", "rw-rw-rw-");
        Disk.mkdir(export.resolve("e"), "rwxrwxrwx");
    }

    @AfterEach
    void closeAll() throws Exception {
        w.run(() -> {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        w.close();
    }

    private Node attach(boolean readOnly, Squash squash, Identity who) {
        ExportPolicy p = new ExportPolicy(
                "m", export, readOnly, squash, ANON_UID, ANON_GID, Map.of(), Map.of(), List.of(), false, 0);
        // Opened here, as root: the worker may be acting as someone who cannot reach the directory.
        Backend b = PolicyBackend.wrap(LinuxBackend.open(export, LinuxBackend.Options.defaults()), p);
        open.add(b);
        return w.call(() -> {
            Node root = b.attach(who);
            open.add(root);
            return root;
        });
    }

    @ParameterizedTest(name = "{0} read-only={1} squash={2}")
    @MethodSource("matrix")
    void mutatingRequest(Op op, boolean readOnly, Squash squash) {
        Node root = attach(readOnly, squash, Identity.ROOT);
        Map<String, String> before = Disk.snapshot(export);
        if (readOnly) {
            assertThatThrownBy(() -> w.run(() -> op.run(root)))
                    .isInstanceOfSatisfying(
                            BackendException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EROFS));
            assertThat(Disk.snapshot(export)).isEqualTo(before);
            return;
        }
        w.run(() -> op.run(root));
        assertThat(Disk.snapshot(export)).isNotEqualTo(before);
        if (op.creates) {
            Path m = op.made(export);
            assertThat(Disk.exists(m)).as("%s made", m).isTrue();
            boolean squashed = squash != Squash.NONE; // root attaches: both squash modes apply
            assertThat(Disk.uid(m)).as("owner uid").isEqualTo(squashed ? ANON_UID : 0);
            assertThat(Disk.gid(m)).as("owner gid").isEqualTo(squashed ? ANON_GID : 0);
        } else {
            op.check(export);
        }
    }

    @Test
    void readOnlyRefusesAWriteOnAFileOpenedForReading() {
        Node root = attach(true, Squash.NONE, Identity.ROOT);
        Map<String, String> before = Disk.snapshot(export);
        w.run(() -> {
            try (Node f = root.walk(P9Name.of("f"));
                    OpenFile o = f.open(OpenFlags.RDONLY)) {
                ByteBuffer b = ByteBuffer.allocate(16);
                assertThat(o.read(0, b)).isEqualTo(5);
                assertThatThrownBy(() -> o.write(0, ByteBuffer.wrap(new byte[] {'x'})))
                        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.errno())
                                .isEqualTo(Errno.EROFS));
            }
        });
        assertThat(Disk.snapshot(export)).isEqualTo(before);
    }

    @Test
    void readOnlyStillReadsListsAndStats() {
        Node root = attach(true, Squash.NONE, Identity.ROOT);
        w.run(() -> {
            List<String> names = new ArrayList<>();
            try (OpenFile d = root.open(OpenFlags.RDONLY)) {
                d.readdir(0, (qid, next, type, name) -> names.add(new String(name, StandardCharsets.UTF_8)));
            }
            assertThat(names).contains("f", "d", "e");
            try (Node f = root.walk(P9Name.of("f"))) {
                assertThat(f.getattr(0x7ff).size()).isEqualTo(5);
            }
            assertThat(root.statfs().bsize()).isPositive();
        });
    }

    @ParameterizedTest(name = "S_IF 0{0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0020000, 0060000})
    void deviceNodesAreRefusedUnlessAllowed(int type) {
        Node root = attach(false, Squash.NONE, Identity.ROOT);
        assertThatThrownBy(() -> w.run(() -> root.mknod(P9Name.of("dev"), type | 0600, 1, 3, 0)))
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
        assertThat(Disk.exists(export.resolve("dev"))).isFalse();
    }

    @Test
    void deviceNodesMayBeAllowedByThePolicy() {
        ExportPolicy p = new ExportPolicy(
                "m", export, false, Squash.NONE, ANON_UID, ANON_GID, Map.of(), Map.of(), List.of(), true, 0);
        // The inner backend must allow them too: the policy only adds refusals.
        w.run(() -> {
            Backend b = PolicyBackend.wrap(LinuxBackend.open(export, new LinuxBackend.Options(false, true)), p);
            open.add(b);
            Node root = b.attach(Identity.ROOT);
            open.add(root);
            root.mknod(P9Name.of("null"), 0020666, 1, 3, 0);
        });
        assertThat((Integer) Disk.attrs(export.resolve("null")).get("mode") & 0170000)
                .isEqualTo(0020000);
    }

    @Test
    void squashAllActsAsTheAnonymousIdentityForAnyUser() {
        Node root = attach(false, Squash.ALL, new Identity(1000, 1000, new int[] {27}));
        w.run(() -> root.mkdir(P9Name.of("u"), 0755, 1000));
        assertThat(Disk.uid(export.resolve("u"))).isEqualTo(ANON_UID);
        assertThat(Disk.gid(export.resolve("u"))).isEqualTo(ANON_GID);
    }

    @Test
    void rootSquashLetsOtherUsersThrough() {
        Node root = attach(false, Squash.ROOT, new Identity(1000, 1000, new int[0]));
        w.run(() -> root.mkdir(P9Name.of("u"), 0755, 1000));
        assertThat(Disk.uid(export.resolve("u"))).isEqualTo(1000);
        assertThat(Disk.gid(export.resolve("u"))).isEqualTo(1000);
    }

    @Test
    void squashedRootHasNoRootPrivileges() {
        Disk.write(export.resolve("private"), "p", "rw-------");
        Node root = attach(false, Squash.ROOT, Identity.ROOT);
        Node plain = attach(false, Squash.NONE, Identity.ROOT);
        w.run(() -> {
            try (Node f = root.walk(P9Name.of("private"))) {
                assertThatThrownBy(() -> f.open(OpenFlags.RDONLY))
                        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.errno())
                                .isEqualTo(Errno.EACCES));
            }
            try (Node f = plain.walk(P9Name.of("private"));
                    OpenFile o = f.open(OpenFlags.RDONLY)) {
                assertThat(o.read(0, ByteBuffer.allocate(4))).isEqualTo(1);
            }
        });
    }
}

package io.hvl9p.exports.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.exports.policy.ExportPolicy.Squash;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.SetattrValid;
import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.server.spi.Attr;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Node;
import io.hvl9p.server.spi.SetAttr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * uid/gid maps and squash: the identity the server acts as (seen in the owner of what it makes,
 * on disk), chown and the group of new files mapped client → host, and the owner getattr reports
 * mapped host → client.
 */
class PolicyIdentityTest {
    static final int ANON_UID = 65534;
    static final int ANON_GID = 65533;

    @TempDir
    Path dir;

    private Path export;
    private PolicyFixture fx;

    @BeforeEach
    void tree() {
        export = dir.resolve("export");
        Disk.mkdir(export, "rwxrwxrwx");
        Disk.write(export.resolve("f"), "f", "rw-rw-rw-");
        fx = new PolicyFixture();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private static ExportPolicy policy(
            Path export, Squash squash, Map<Integer, Integer> uids, Map<Integer, Integer> gids) {
        return new ExportPolicy("m", export, false, squash, ANON_UID, ANON_GID, uids, gids, List.of(), false, 0);
    }

    private Attr getattr(Node root, String name) {
        return fx.w.call(() -> {
            try (Node n = root.walk(P9Name.of(name))) {
                return n.getattr(GetattrMask.BASIC);
            }
        });
    }

    private static void chown(Path p, int uid, int gid) {
        try {
            Files.setAttribute(p, "unix:uid", uid);
            Files.setAttribute(p, "unix:gid", gid);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theServerActsAsTheMappedIdentityAndReportsOwnersMappedBack() {
        Node root = fx.attach(
                policy(export, Squash.NONE, Map.of(1000, 2000), Map.of(1000, 2000)),
                new Identity(1000, 1000, new int[0]));
        fx.w.run(() -> root.mkdir(P9Name.of("m"), 0755, 1000));
        assertThat(Disk.uid(export.resolve("m"))).isEqualTo(2000);
        assertThat(Disk.gid(export.resolve("m"))).isEqualTo(2000);
        Attr a = getattr(root, "m");
        assertThat(a.uid()).isEqualTo(1000);
        assertThat(a.gid()).isEqualTo(1000);
    }

    @Test
    void ownersOutsideTheMapAreReportedAsTheyAre() {
        Node root = fx.attach(policy(export, Squash.NONE, Map.of(1000, 2000), Map.of(1000, 2000)), Identity.ROOT);
        chown(export.resolve("f"), 3000, 3001);
        assertThat(getattr(root, "f").uid()).isEqualTo(3000);
        assertThat(getattr(root, "f").gid()).isEqualTo(3001);
        chown(export.resolve("f"), 2000, 2000);
        assertThat(getattr(root, "f").uid()).isEqualTo(1000);
        assertThat(getattr(root, "f").gid()).isEqualTo(1000);
    }

    @Test
    void severalClientIdsOnOneHostIdReportTheSmallest() {
        Node root = fx.attach(policy(export, Squash.NONE, Map.of(1001, 2000, 1000, 2000), Map.of()), Identity.ROOT);
        chown(export.resolve("f"), 2000, 0);
        assertThat(getattr(root, "f").uid()).isEqualTo(1000);
    }

    @Test
    void squashedOwnersAreReportedAsTheHostIdsTheyAre() {
        Node root = fx.attach(policy(export, Squash.ROOT, Map.of(), Map.of()), Identity.ROOT);
        fx.w.run(() -> root.mkdir(P9Name.of("m"), 0755, 0));
        assertThat(Disk.uid(export.resolve("m"))).isEqualTo(ANON_UID);
        assertThat(getattr(root, "m").uid()).isEqualTo(ANON_UID);
        assertThat(getattr(root, "m").gid()).isEqualTo(ANON_GID);
        // root's own files are still root's to the client: nothing is mapped back onto 0.
        assertThat(getattr(root, "f").uid()).isZero();
    }

    @Test
    void chownIdsAreMappedClientToHost() {
        Node root = fx.attach(policy(export, Squash.NONE, Map.of(1000, 2000), Map.of(1000, 2001)), Identity.ROOT);
        fx.w.run(() -> {
            try (Node f = root.walk(P9Name.of("f"))) {
                f.setattr(new SetAttr(SetattrValid.UID | SetattrValid.GID, 0, 1000, 1000, 0, 0, 0, 0, 0));
            }
        });
        assertThat(Disk.uid(export.resolve("f"))).isEqualTo(2000);
        assertThat(Disk.gid(export.resolve("f"))).isEqualTo(2001);
        assertThat(getattr(root, "f").uid()).isEqualTo(1000);
        assertThat(getattr(root, "f").gid()).isEqualTo(1000);
    }

    @Test
    void chownOfOnlyTheGroupLeavesTheOwner() {
        chown(export.resolve("f"), 4000, 4000);
        Node root = fx.attach(policy(export, Squash.NONE, Map.of(), Map.of(1000, 2001)), Identity.ROOT);
        fx.w.run(() -> {
            try (Node f = root.walk(P9Name.of("f"))) {
                f.setattr(new SetAttr(SetattrValid.GID, 0, -1, 1000, 0, 0, 0, 0, 0));
            }
        });
        assertThat(Disk.uid(export.resolve("f"))).isEqualTo(4000);
        assertThat(Disk.gid(export.resolve("f"))).isEqualTo(2001);
    }

    @Test
    void theGroupOfANewFileIsMapped() {
        Node root = fx.attach(policy(export, Squash.NONE, Map.of(), Map.of(1000, 2001)), Identity.ROOT);
        fx.w.run(() -> {
            Node.Created c = root.create(P9Name.of("c"), OpenFlags.RDWR, 0644, 1000);
            c.file().close();
            c.node().close();
            root.mkdir(P9Name.of("d"), 0755, 1000);
            root.mknod(P9Name.of("p"), 0010644, 0, 0, 1000);
        });
        assertThat(Disk.gid(export.resolve("c"))).isEqualTo(2001);
        assertThat(Disk.gid(export.resolve("d"))).isEqualTo(2001);
        assertThat(Disk.gid(export.resolve("p"))).isEqualTo(2001);
    }

    @Test
    void aMapIsAppliedBeforeRootSquash() {
        // Client 0 mapped to 1000 is not root on the host, so root squash leaves it; client 5
        // mapped to host 0 would be root, so it is squashed.
        ExportPolicy p = policy(export, Squash.ROOT, Map.of(0, 1000, 5, 0), Map.of(0, 1000));
        Node asRoot = fx.attach(p, Identity.ROOT);
        fx.w.run(() -> asRoot.mkdir(P9Name.of("r"), 0755, 0));
        assertThat(Disk.uid(export.resolve("r"))).isEqualTo(1000);
        assertThat(Disk.gid(export.resolve("r"))).isEqualTo(1000);
        Node as5 = fx.attach(p, new Identity(5, 5, new int[0]));
        fx.w.run(() -> as5.mkdir(P9Name.of("five"), 0755, 5));
        assertThat(Disk.uid(export.resolve("five"))).isEqualTo(ANON_UID);
    }

    @ParameterizedTest(name = "squash {0}: {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "NONE | 0:0:0,7     | 0:0:0,7",
                "NONE | 5:6:7       | 5:6:7",
                "ROOT | 0:0:0,7     | 65534:65533:7",
                "ROOT | 5:0:0,7     | 5:65533:7",
                "ROOT | 5:6:7       | 5:6:7",
                "ALL  | 5:6:7       | 65534:65533:",
                "ALL  | 0:0:0       | 65534:65533:",
            })
    void hostIdentity(Squash squash, String client, String host) {
        PolicyBackend b =
                (PolicyBackend) PolicyBackend.wrap(new NoBackend(), policy(export, squash, Map.of(), Map.of()));
        assertThat(b.hostIdentity(identity(client))).isEqualTo(identity(host));
    }

    @Test
    void supplementaryGroupsAreMappedLikeTheGid() {
        PolicyBackend b = (PolicyBackend)
                PolicyBackend.wrap(new NoBackend(), policy(export, Squash.ROOT, Map.of(), Map.of(7, 70, 8, 0)));
        assertThat(b.hostIdentity(identity("5:7:7,8,9"))).isEqualTo(identity("5:70:70,9"));
    }

    private static Identity identity(String s) {
        String[] p = s.split(":", -1);
        int[] groups = p[2].isBlank()
                ? new int[0]
                : java.util.Arrays.stream(p[2].split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
        return new Identity(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), groups);
    }

    @Test
    void describeSaysWhatThePolicyAdds() {
        ExportPolicy p = new ExportPolicy(
                "m", export, true, Squash.ALL, ANON_UID, ANON_GID, Map.of(), Map.of(), List.of("secret"), false, 0);
        String d = fx.w.call(() -> {
            try (var b = PolicyBackend.wrap(LinuxBackend.open(export, LinuxBackend.Options.defaults()), p)) {
                assertThat(b.readOnly()).isTrue();
                return b.describe();
            }
        });
        assertThat(d).contains("read-only", "squash=all", "anon=65534:65533", "secret");
    }

    /** A backend that is never asked: for the identity arithmetic alone. */
    private static final class NoBackend implements io.hvl9p.server.spi.Backend {
        @Override
        public Node attach(Identity who) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public String describe() {
            return "none";
        }

        @Override
        public void close() {}
    }
}

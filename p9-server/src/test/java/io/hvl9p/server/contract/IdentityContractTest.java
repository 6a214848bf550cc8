package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.SetattrValid;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests act as the attached user: with the server running as root, an attach as nobody gets
 * what the host gives nobody, and files it makes are nobody's; requests of root and of nobody
 * interleaved on the same workers do not leak each other's identity.
 */
class IdentityContractTest extends ContractTest {
    private static final int NOBODY = 65534;

    private TestClient nobody;
    private Fid nroot;

    @BeforeEach
    void attachAsNobody() throws IOException {
        Files.setPosixFilePermissions(export, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectory(host("open"));
        Files.setPosixFilePermissions(host("open"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(host("secret"), "s");
        Files.setPosixFilePermissions(host("secret"), PosixFilePermissions.fromString("rw-------"));
        nobody = fx.connect(fx.main(), ContractFixture.MSIZE);
        nroot = nobody.newFid();
        nobody.call(
                new TMessage.Tattach(nroot, Fid.NOFID, P9String.EMPTY, P9String.of("main"), NOBODY),
                RMessage.Rattach.class);
        nobody.track(nroot);
    }

    @ParameterizedTest(name = "uname \"{0}\" n_uname {1}")
    @CsvSource({"nobody, -1", "'', 65534", "root, 65534"})
    void nUnameWinsOverUnameAndBothNameNobody(String uname, int nUname) {
        TestClient d = fx.connect(fx.main(), ContractFixture.MSIZE);
        Fid r = d.newFid();
        d.call(
                new TMessage.Tattach(r, Fid.NOFID, P9String.of(uname), P9String.of("main"), nUname),
                RMessage.Rattach.class);
        d.track(r);
        d.expectErrno(Errno.EACCES, new TMessage.Tmkdir(r, P9Name.of("no"), 0755, 0));
        d.call(new TMessage.Tmkdir(d.walk(r, "open"), P9Name.of("made-" + uname), 0755, 0), RMessage.Rmkdir.class);
        assertThat(Host.attrs(host("open/made-" + uname))).containsEntry("uid", NOBODY);
    }

    @Test
    void nobodyGetsWhatTheHostGivesNobody() {
        nobody.expectErrno(Errno.EACCES, new TMessage.Tmkdir(nroot, P9Name.of("no"), 0755, 0));
        nobody.expectErrno(Errno.EACCES, new TMessage.Tlopen(nobody.walk(nroot, "secret"), OpenFlags.RDONLY));
        nobody.expectErrno(
                Errno.EPERM,
                new TMessage.Tsetattr(nobody.walk(nroot, "secret"), SetattrValid.MODE, 0777, 0, 0, 0, 0, 0, 0, 0));
        Fid open = nobody.walk(nroot, "open");
        nobody.call(
                new TMessage.Tlcreate(open, P9Name.of("mine"), OpenFlags.RDWR, 0600, NOBODY), RMessage.Rlcreate.class);
        nobody.write(open, 0, TestClient.utf8("by nobody"));
        Path mine = host("open/mine");
        assertThat(Host.attrs(mine)).containsEntry("uid", NOBODY).containsEntry("gid", NOBODY);
        // A group nobody is not in is not given to its files.
        nobody.call(
                new TMessage.Tmkdir(nobody.walk(nroot, "open"), P9Name.of("dir"), 0755, 4321), RMessage.Rmkdir.class);
        assertThat(Host.attrs(host("open/dir"))).containsEntry("uid", NOBODY).containsEntry("gid", NOBODY);
    }

    @Test
    void interleavedRequestsKeepTheirOwnIdentity() throws IOException {
        for (int i = 0; i < 50; i++) {
            c.call(new TMessage.Tmkdir(c.root(), P9Name.of("root-" + i), 0755, 0), RMessage.Rmkdir.class);
            nobody.expectErrno(Errno.EACCES, new TMessage.Tmkdir(nroot, P9Name.of("nobody-" + i), 0755, 0));
            Fid s = c.open("secret", OpenFlags.RDONLY);
            assertThat(c.read(s, 0, 10)).containsExactly('s');
            c.clunk(s);
        }
        for (int i = 0; i < 50; i++) {
            assertThat(Host.attrs(host("root-" + i))).containsEntry("uid", 0).containsEntry("gid", 0);
            assertThat(host("nobody-" + i)).doesNotExist();
        }
    }
}

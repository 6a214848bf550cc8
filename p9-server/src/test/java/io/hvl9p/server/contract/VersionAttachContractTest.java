package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tversion, Tauth, Tattach and Tflush: negotiation, session reset, export selection. */
class VersionAttachContractTest extends ContractTest {
    private static final String L = "9P2000.L";

    private static TMessage.Tversion version(int msize, String v) {
        return new TMessage.Tversion(msize, P9String.of(v));
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 8192, 65536 + 24, 1 << 30, -1})
    void msizeIsTheSmallerOfTheClientsAndTheServers(int asked) {
        TestClient d = fx.connect(fx.main(), ContractFixture.MSIZE);
        RMessage.Rversion r = d.call(version(asked, L), RMessage.Rversion.class);
        long expected = Math.min(
                Integer.toUnsignedLong(asked), fx.main().server().config().maxMsize());
        assertThat(r.version().asString()).isEqualTo(L);
        assertThat(Integer.toUnsignedLong(r.msize())).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 256, 4095})
    void msizeBelow4096IsRefusedAndTheSessionCanStillNegotiate(int asked) {
        TestClient d = fx.connect(fx.main(), ContractFixture.MSIZE);
        d.expectErrno(Errno.EINVAL, version(asked, L));
        RMessage.Rversion r = d.call(version(8192, L), RMessage.Rversion.class);
        assertThat(r.msize()).isEqualTo(8192);
        d.attachRoot("main");
        assertThat(d.getattr(d.root()).qid().path())
                .isEqualTo(c.getattr(c.root()).qid().path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9P2000.L.Google.1", "9P2000.L.Google.0", "9P2000.L.anything"})
    void aDotLExtensionIsAnsweredWithTheCommonPrefix(String asked) {
        TestClient d = fx.connect(fx.main(), ContractFixture.MSIZE);
        RMessage.Rversion r = d.call(version(8192, asked), RMessage.Rversion.class);
        assertThat(r.version().asString()).isEqualTo(L);
        assertThat(r.msize()).isEqualTo(8192);
    }

    @ParameterizedTest
    @ValueSource(strings = {"9P2000", "9P2000.u", "9P2000.Lx", "9P2000.l", "", "9P3000.L"})
    void anUnknownVersionIsAnsweredUnknownNotAnError(String asked) {
        TestClient d = fx.connect(fx.main(), ContractFixture.MSIZE);
        RMessage.Rversion r = d.call(version(8192, asked), RMessage.Rversion.class);
        assertThat(r.version().asString()).isEqualTo("unknown");
    }

    @Test
    void tversionClunksEveryFidAndReleasesItsDescriptors() throws IOException {
        Files.writeString(host("f"), "data");
        Files.createDirectory(host("d"));
        long before = Host.fdsUnder(export);
        TestClient d = fx.client();
        Fid root = d.root();
        Fid dir = d.walk("d");
        Fid file = d.open("f", OpenFlags.RDWR);
        Fid xattrs = d.newFid();
        d.call(new TMessage.Txattrwalk(root, xattrs, P9String.EMPTY), RMessage.Rxattrwalk.class);
        assertThat(Host.fdsUnder(export)).isGreaterThan(before);

        d.call(version(ContractFixture.MSIZE, L), RMessage.Rversion.class);
        d.forgetAll();

        for (Fid f : new Fid[] {root, dir, file}) {
            d.expectErrno(Errno.EBADF, new TMessage.Tgetattr(f, 0x7ff));
        }
        d.expectErrno(Errno.EBADF, new TMessage.Tread(xattrs, 0, 100));
        Poll.until("descriptors of the reset session closed", () -> Host.fdsUnder(export), n -> n == before);
        // The fid numbers are free again.
        d.call(
                new TMessage.Tattach(root, Fid.NOFID, P9String.of("root"), P9String.of("main"), 0),
                RMessage.Rattach.class);
        d.track(root);
        d.walk(root, dir, "d");
    }

    @Test
    void tauthIsRefusedWithEnoent() {
        for (String aname : new String[] {"", "main"}) {
            c.expectErrno(Errno.ENOENT, new TMessage.Tauth(c.newFid(), P9String.of("root"), P9String.of(aname), 0));
        }
    }

    @Test
    void attachQidIsTheExportRoot() {
        Fid f = c.newFid();
        Qid q = c.call(
                        new TMessage.Tattach(f, Fid.NOFID, P9String.of("root"), P9String.of("main"), 0),
                        RMessage.Rattach.class)
                .qid();
        c.track(f);
        assertThat(q.type()).isEqualTo(Qid.QTDIR);
        assertThat(c.getattr(f).qid()).isEqualTo(q);
        if (backend.qidPathIsInode()) {
            assertThat(q.path()).isEqualTo(Host.ino(export));
        }
    }

    @Test
    void attachSelectsTheExportByName() throws IOException {
        Path tmp = export.getParent();
        Path one = fx.scratchDir(tmp);
        Path two = fx.scratchDir(tmp);
        Files.writeString(one.resolve("in-one"), "1");
        Files.writeString(two.resolve("in-two"), "2");
        ContractFixture.Served s = fx.serve(Map.of("one", one, "two", two));

        TestClient a = fx.client(s, ContractFixture.MSIZE, "one");
        TestClient b = fx.client(s, ContractFixture.MSIZE, "two");
        if (backend.qidPathIsInode()) {
            assertThat(a.getattr(a.root()).qid().path()).isEqualTo(Host.ino(one));
            assertThat(b.getattr(b.root()).qid().path()).isEqualTo(Host.ino(two));
        }
        a.walk("in-one");
        b.walk("in-two");
        a.expectErrno(Errno.ENOENT, new TMessage.Twalk(a.root(), a.newFid(), TestClient.names("in-two")));
        b.expectErrno(Errno.ENOENT, new TMessage.Twalk(b.root(), b.newFid(), TestClient.names("in-one")));
        // With two exports an empty aname names none of them.
        a.expectErrno(Errno.ENOENT, attach(a.newFid(), ""));
    }

    @Test
    void anUnknownAnameIsEnoentAndAHostPathIsNoAname() {
        c.expectErrno(Errno.ENOENT, attach(c.newFid(), "nope"));
        c.expectErrno(Errno.ENOENT, attach(c.newFid(), export.toString()));
        c.expectErrno(Errno.ENOENT, attach(c.newFid(), "/"));
    }

    @Test
    void anEmptyAnameAttachesTheOnlyExport() {
        Fid f = c.attach("");
        assertThat(c.getattr(f).qid()).isEqualTo(c.getattr(c.root()).qid());
    }

    @Test
    void flushOfATagNotInFlightIsAnsweredAtOnce() throws IOException {
        c.p9.flush(1234);
        assertThat(c.getattr(c.root()).qid().type()).isEqualTo(Qid.QTDIR);
    }

    @Test
    void aClosedConnectionReleasesItsFidsDescriptorsAndLocks() throws IOException {
        Path f = Files.writeString(host("locked"), "0123456789");
        long before = Host.fdsUnder(export);
        TestClient d = fx.client();
        Fid file = d.open("locked", OpenFlags.RDWR);
        d.call(new TMessage.Tlock(file, 1, 0, 0, 0, 1, P9String.of("test")), RMessage.Rlock.class);
        d.walk("");
        d.open("", OpenFlags.RDONLY);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            assertThat(ch.tryLock()).as("the server's lock, seen from the host").isNull();
        }
        d.abandon();
        Poll.until("descriptors of the closed connection released", () -> Host.fdsUnder(export), n -> n == before);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE);
                FileLock l = ch.tryLock()) {
            assertThat(l).as("the lock is gone with the connection").isNotNull();
        }
    }

    private static TMessage.Tattach attach(Fid f, String aname) {
        return new TMessage.Tattach(f, Fid.NOFID, P9String.of("root"), P9String.of(aname), 0);
    }
}

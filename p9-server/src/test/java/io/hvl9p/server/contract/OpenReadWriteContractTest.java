package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tlopen, Tlcreate, Tread, Twrite, Tfsync: what the host file holds after each. */
class OpenReadWriteContractTest extends ContractTest {
    private static final String CONTENT = "0123456789";
    private Path file;

    @BeforeEach
    void file() throws IOException {
        file = Files.writeString(host("f"), CONTENT);
        Files.createDirectory(host("d"));
    }

    private Qid walkQid(String path) {
        Fid f = c.walk(path);
        Qid q = c.getattr(f).qid();
        c.clunk(f);
        return q;
    }

    @ParameterizedTest(name = "flags {0}: read {1}, write {2}")
    @CsvSource({"0, true, false", "1, false, true", "2, true, true", "0100002, true, true", "04000, true, false"})
    void eachAccessModeAllowsWhatItSays(String octal, boolean reads, boolean writes) throws IOException {
        int flags = Integer.parseInt(octal, 8);
        Fid f = c.walk("f");
        RMessage.Rlopen r = c.lopen(f, flags);
        assertThat(r.qid()).isEqualTo(walkQid("f"));
        assertThat(Integer.toUnsignedLong(r.iounit())).isLessThanOrEqualTo(c.msize() - MiscConstants.IOHDRSZ);
        TMessage.Tread read = new TMessage.Tread(f, 0, 100);
        if (reads) {
            assertThat(new String(c.read(f, 0, 100))).isEqualTo(CONTENT);
        } else {
            c.expectErrno(Errno.EBADF, read);
        }
        TMessage.Twrite write = new TMessage.Twrite(f, 2, ByteBuffer.wrap(TestClient.utf8("AB")));
        if (writes) {
            assertThat(c.call(write, RMessage.Rwrite.class).count()).isEqualTo(2);
            assertThat(Files.readString(file)).isEqualTo("01AB456789");
        } else {
            c.expectErrno(Errno.EBADF, write);
            assertThat(Files.readString(file)).isEqualTo(CONTENT);
        }
    }

    @Test
    void accessMode3IsEinval() {
        c.expectErrno(Errno.EINVAL, new TMessage.Tlopen(c.walk("f"), OpenFlags.NOACCESS));
    }

    @ParameterizedTest
    @ValueSource(ints = {OpenFlags.WRONLY | OpenFlags.TRUNC, OpenFlags.RDWR | OpenFlags.TRUNC})
    void truncEmptiesTheFile(int flags) throws IOException {
        Fid f = c.open("f", flags);
        assertThat(Files.size(file)).isZero();
        c.write(f, 0, TestClient.utf8("new"));
        assertThat(Files.readString(file)).isEqualTo("new");
    }

    @ParameterizedTest
    @ValueSource(ints = {OpenFlags.WRONLY | OpenFlags.APPEND, OpenFlags.RDWR | OpenFlags.APPEND})
    void appendWritesLandAtTheEndWhateverTheOffset(int flags) throws IOException {
        Fid f = c.open("f", flags);
        assertThat(c.write(f, 0, TestClient.utf8("xyz"))).isEqualTo(3);
        assertThat(c.write(f, 3, TestClient.utf8("!"))).isEqualTo(1);
        assertThat(c.write(f, 1_000_000, TestClient.utf8("end"))).isEqualTo(3);
        assertThat(Files.readString(file)).isEqualTo(CONTENT + "xyz!end");
    }

    @Test
    void directoriesOpenForReadingOnly() {
        c.open("d", OpenFlags.RDONLY);
        // What the Linux client sends for opendir.
        c.open("d", 02304000);
        c.expectErrno(Errno.EISDIR, new TMessage.Tlopen(c.walk("d"), OpenFlags.WRONLY));
        c.expectErrno(Errno.EISDIR, new TMessage.Tlopen(c.walk("d"), OpenFlags.RDWR));
        c.expectErrno(Errno.ENOTDIR, new TMessage.Tlopen(c.walk("f"), OpenFlags.DIRECTORY));
    }

    @Test
    void aSymlinkIsNotOpened() throws IOException {
        Files.createSymbolicLink(host("link"), Path.of("f"));
        c.expectErrno(Errno.ELOOP, new TMessage.Tlopen(c.walk("link"), OpenFlags.RDONLY));
    }

    @Test
    void lcreateMakesTheFileAndTheFidBecomesIt() throws IOException {
        Fid dir = c.walk("d");
        RMessage.Rlcreate r = c.call(
                new TMessage.Tlcreate(dir, P9Name.of("new"), OpenFlags.RDWR, 0100640, 5678), RMessage.Rlcreate.class);
        Path p = host("d/new");
        assertThat(Host.mode(p)).isEqualTo(0100640);
        assertThat(Host.attrs(p)).containsEntry("gid", 5678).containsEntry("size", 0L);
        assertThat(r.qid().type()).isEqualTo(Qid.QTFILE);
        if (backend.qidPathIsInode()) {
            assertThat(r.qid().path()).isEqualTo(Host.ino(p));
        }
        assertThat(c.getattr(dir).qid()).as("the fid is the new file").isEqualTo(r.qid());
        assertThat(c.write(dir, 0, TestClient.utf8("data"))).isEqualTo(4);
        assertThat(new String(c.read(dir, 0, 100))).isEqualTo("data");
        assertThat(Files.readString(p)).isEqualTo("data");
    }

    @Test
    void lcreateOfAnExistingNameWithoutExclOpensIt() throws IOException {
        Fid a = c.create(c.root(), "f", OpenFlags.RDWR, 0600);
        assertThat(c.getattr(a).qid()).isEqualTo(walkQid("f"));
        assertThat(new String(c.read(a, 0, 100))).isEqualTo(CONTENT);
        assertThat(Integer.toOctalString(Host.mode(file) & 07777))
                .as("mode untouched")
                .isEqualTo("644");

        c.create(c.root(), "f", OpenFlags.WRONLY | OpenFlags.TRUNC, 0600);
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void lcreateWithExclOfAnExistingNameIsEexistAndTheFidStaysTheDirectory() throws IOException {
        Qid root = c.getattr(c.root()).qid();
        Fid dir = c.walk("");
        c.expectErrno(
                Errno.EEXIST, new TMessage.Tlcreate(dir, P9Name.of("f"), OpenFlags.RDWR | OpenFlags.EXCL, 0600, 0));
        assertThat(c.getattr(dir).qid()).isEqualTo(root);
        assertThat(Files.readString(file)).isEqualTo(CONTENT);
        c.call(
                new TMessage.Tlcreate(dir, P9Name.of("g"), OpenFlags.RDWR | OpenFlags.EXCL, 0600, 0),
                RMessage.Rlcreate.class);
        assertThat(host("g")).exists();
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void lcreateOfDotOrDotDotIsEexist(String name) {
        c.expectErrno(Errno.EEXIST, new TMessage.Tlcreate(c.walk(""), P9Name.of(name), OpenFlags.RDWR, 0600, 0));
    }

    @Test
    void writesAndReadsAtOffsets() throws IOException {
        Fid f = c.open("f", OpenFlags.RDWR);
        c.write(f, 1, TestClient.utf8("XYZ"));
        c.write(f, 10, TestClient.utf8("tail"));
        assertThat(Files.readString(file)).isEqualTo("0XYZ456789tail");
        assertThat(new String(c.read(f, 3, 4))).isEqualTo("Z456");
        assertThat(new String(c.read(f, 12, 100))).isEqualTo("il");
    }

    @Test
    void aWriteFarPastTheEndMakesASparseFile() throws IOException {
        Fid f = c.create(c.root(), "sparse", OpenFlags.RDWR, 0600);
        long off = 64L << 20;
        c.write(f, off, TestClient.utf8("end"));
        Path p = host("sparse");
        assertThat(Files.size(p)).isEqualTo(off + 3);
        long blocks = Long.parseLong(Host.sh("stat", "-c", "%b", p.toString()));
        assertThat(blocks * 512).as("allocated bytes").isLessThan(1 << 20);
        assertThat(c.getattr(f).blocks()).isEqualTo(blocks);
        assertThat(c.read(f, 4096, 4096)).isEqualTo(new byte[4096]);
        assertThat(new String(c.read(f, off - 2, 100))).isEqualTo("\0\0end");
    }

    @Test
    void bigContentRoundTripsInMsizedPieces() throws IOException {
        byte[] data = new byte[300_000];
        new Random(42).nextBytes(data);
        Fid f = c.create(c.root(), "big", OpenFlags.RDWR, 0600);
        int max = c.msize() - 23; // Twrite: header 7, fid 4, offset 8, count 4
        for (int off = 0; off < data.length; off += max) {
            byte[] piece = Arrays.copyOfRange(data, off, Math.min(data.length, off + max));
            assertThat(c.write(f, off, piece)).isEqualTo(piece.length);
        }
        assertThat(Files.readAllBytes(host("big"))).isEqualTo(data);
        assertThat(c.readAll(f, c.msize() - 11)).isEqualTo(data);
    }

    @ParameterizedTest
    @ValueSource(ints = {8192, 8192 + 24, 65536 + 24})
    void aReadIsClampedToWhatOneRreadCarries(int msize) throws IOException {
        byte[] data = new byte[200_000];
        new Random(7).nextBytes(data);
        Files.write(file, data);
        TestClient d = fx.client(fx.main(), msize, "main");
        Fid f = d.open("f", OpenFlags.RDONLY);
        int max = msize - 11; // Rread: header 7, count 4
        for (int count : new int[] {max, max + 1, 1 << 20, -1}) {
            byte[] got = d.read(f, 5, count);
            assertThat(got.length)
                    .as("bytes for count %d", Integer.toUnsignedLong(count))
                    .isEqualTo(max);
            assertThat(got).isEqualTo(Arrays.copyOfRange(data, 5, 5 + max));
        }
        assertThat(d.read(f, 0, max - 1)).hasSize(max - 1);
    }

    @ParameterizedTest
    @ValueSource(longs = {10, 11, 4096, 1L << 40})
    void aReadAtOrPastTheEndReturnsNothing(long offset) {
        Fid f = c.open("f", OpenFlags.RDONLY);
        assertThat(c.read(f, offset, 100)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void fsyncInBothModes(int datasync) throws IOException {
        Fid f = c.open("f", OpenFlags.RDWR);
        c.write(f, 0, TestClient.utf8("synced"));
        c.call(new TMessage.Tfsync(f, datasync), RMessage.Rfsync.class);
        assertThat(Files.readString(file)).startsWith("synced");
        Fid d = c.open("d", OpenFlags.RDONLY);
        c.call(new TMessage.Tfsync(d, datasync), RMessage.Rfsync.class);
        c.expectErrno(Errno.EBADF, new TMessage.Tfsync(c.walk("f"), datasync));
    }

    /** Nothing waits for a FIFO's other end: the server answers (here: refuses) at once. */
    @Test
    void openingAFifoNeverBlocksTheServer() {
        Host.sh("mkfifo", host("fifo").toString());
        for (int flags : new int[] {OpenFlags.RDONLY, OpenFlags.WRONLY, OpenFlags.RDWR}) {
            c.expectErrno(Errno.EPERM, new TMessage.Tlopen(c.walk("fifo"), flags));
            c.expectErrno(Errno.EPERM, new TMessage.Tlcreate(c.walk(""), P9Name.of("fifo"), flags, 0600, 0));
        }
        assertThat(Host.mode(host("fifo")) & 0170000).isEqualTo(0010000);
    }

    @Test
    void aFidKeepsItsFileAfterTheHostUnlinksIt() throws IOException {
        Fid walked = c.walk("f");
        Fid opened = c.open("f", OpenFlags.RDWR);
        Files.delete(file);
        assertThat(c.getattr(walked).nlink()).isZero();
        assertThat(new String(c.read(opened, 0, 100))).isEqualTo(CONTENT);
        c.write(opened, 0, TestClient.utf8("still"));
        Fid late = c.walk(walked, "");
        c.lopen(late, OpenFlags.RDONLY);
        assertThat(new String(c.read(late, 0, 100))).isEqualTo("still56789");
        assertThat(file).doesNotExist();
    }
}

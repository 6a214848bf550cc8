package io.hvl9p.server.contract;

import static io.hvl9p.protocol.SetattrValid.ATIME;
import static io.hvl9p.protocol.SetattrValid.ATIME_SET;
import static io.hvl9p.protocol.SetattrValid.CTIME;
import static io.hvl9p.protocol.SetattrValid.GID;
import static io.hvl9p.protocol.SetattrValid.MODE;
import static io.hvl9p.protocol.SetattrValid.MTIME;
import static io.hvl9p.protocol.SetattrValid.MTIME_SET;
import static io.hvl9p.protocol.SetattrValid.SIZE;
import static io.hvl9p.protocol.SetattrValid.UID;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tsetattr: each field applied, checked on the host; what is not asked for stays as it was. */
class SetattrContractTest extends ContractTest {
    private static final Instant T1 = Instant.ofEpochSecond(1_000_000_000L, 123_456_789);
    private static final Instant T2 = Instant.ofEpochSecond(1_600_000_000L, 999_999_999);

    private Path file;
    private Fid f;

    @BeforeEach
    void file() throws IOException {
        file = Files.writeString(host("f"), "hello");
        Files.createDirectory(host("d"));
        f = c.walk("f");
    }

    private void setattr(Fid fid, int valid, int mode, int uid, int gid, long size, Instant atime, Instant mtime) {
        c.setattr(
                fid,
                valid,
                mode,
                uid,
                gid,
                size,
                atime.getEpochSecond(),
                atime.getNano(),
                mtime.getEpochSecond(),
                mtime.getNano());
    }

    private void setTimes(Fid fid, Instant atime, Instant mtime) {
        setattr(fid, ATIME | ATIME_SET | MTIME | MTIME_SET, 0, 0, 0, 0, atime, mtime);
    }

    /** The mode sent may carry file-type bits (the Linux client sends them); only 07777 applies. */
    @ParameterizedTest(name = "{0} sent {1}: {2}")
    @CsvSource({
        "f, 0107777, 07777",
        "f, 0100640, 0640",
        "f, 0000600, 0600",
        "f, 0170777, 0777",
        "d, 0040000, 0000",
        "d, 0041755, 01755"
    })
    void chmodAppliesThePermissionBitsOnly(String name, String sent, String expected) {
        int mode = Integer.parseInt(sent, 8);
        Path p = host(name);
        int typeBefore = Host.mode(p) & 0170000;
        Fid fid = name.equals("f") ? f : c.walk(name);
        setattr(fid, MODE, mode, 0, 0, 0, Instant.EPOCH, Instant.EPOCH);
        assertThat(Integer.toOctalString(Host.mode(p) & 07777))
                .isEqualTo(Integer.toOctalString(Integer.parseInt(expected, 8)));
        assertThat(Host.mode(p) & 0170000).as("file type unchanged").isEqualTo(typeBefore);
        assertThat(c.getattr(fid).mode()).isEqualTo(Host.mode(p));
    }

    @ParameterizedTest(name = "valid {0}: uid {1} gid {2}")
    @CsvSource({"6, 1234, 5678", "2, 1234, 0", "4, 0, 5678", "6, 0, 0"})
    void chownSetsWhatIsAskedFor(int valid, int uid, int gid) throws IOException {
        Files.setAttribute(file, "unix:uid", 42);
        Files.setAttribute(file, "unix:gid", 43);
        setattr(f, valid, 0, uid, gid, 0, Instant.EPOCH, Instant.EPOCH);
        Map<String, Object> h = Host.attrs(file);
        assertThat(h.get("uid")).isEqualTo((valid & UID) != 0 ? uid : 42);
        assertThat(h.get("gid")).isEqualTo((valid & GID) != 0 ? gid : 43);
        assertThat(c.getattr(f).uid()).isEqualTo(h.get("uid"));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 3, 5, 4096, 100_000, 1L << 32})
    void truncateGrowsAndShrinks(long size) throws IOException {
        setattr(f, SIZE, 0, 0, 0, size, Instant.EPOCH, Instant.EPOCH);
        assertThat(Files.size(file)).isEqualTo(size);
        if (size <= 100_000) {
            byte[] expected = Arrays.copyOf(TestClient.utf8("hello"), (int) size);
            assertThat(Files.readAllBytes(file)).isEqualTo(expected);
        }
        assertThat(c.getattr(f).size()).isEqualTo(size);
    }

    @Test
    void truncateOfADirectoryIsEisdir() {
        Fid d = c.walk("d");
        c.expectErrno(Errno.EISDIR, new TMessage.Tsetattr(d, SIZE, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void explicitTimesAreSetToTheNanosecond() {
        setTimes(f, T1, T2);
        assertThat(Host.time(file, "lastAccessTime")).isEqualTo(T1);
        assertThat(Host.time(file, "lastModifiedTime")).isEqualTo(T2);
        setTimes(f, T2, T1);
        assertThat(Host.time(file, "lastAccessTime")).isEqualTo(T2);
        assertThat(Host.time(file, "lastModifiedTime")).isEqualTo(T1);
        RMessage.Rgetattr a = c.getattr(f);
        assertThat(Instant.ofEpochSecond(a.mtimeSec(), a.mtimeNsec())).isEqualTo(T1);
    }

    @Test
    void timesWithoutTheirSetBitMeanNowWhateverTheFieldsSay() {
        setTimes(f, T1, T1);
        Instant before = Instant.now();
        // Fields that would be a valid time, but no _SET bit: the server must use the clock.
        setattr(f, ATIME | MTIME, 0, 0, 0, 0, T2, T2);
        Instant after = Instant.now();
        for (String t : new String[] {"lastAccessTime", "lastModifiedTime"}) {
            // The kernel's coarse clock may lag the JVM's by a tick.
            assertThat(Host.time(file, t)).as(t).isBetween(before.minus(Duration.ofSeconds(1)), after);
        }
    }

    @Test
    void omittedTimesAreUnchanged() throws IOException {
        setTimes(f, T1, T1);
        setattr(f, MTIME | MTIME_SET, 0, 0, 0, 0, T2, T2);
        assertThat(Host.time(file, "lastAccessTime")).as("atime, not asked").isEqualTo(T1);
        assertThat(Host.time(file, "lastModifiedTime")).isEqualTo(T2);

        setattr(f, ATIME | ATIME_SET, 0, 0, 0, 0, T2, T1);
        assertThat(Host.time(file, "lastModifiedTime")).as("mtime, not asked").isEqualTo(T2);
        assertThat(Host.time(file, "lastAccessTime")).isEqualTo(T2);

        setTimes(f, T1, T1);
        setattr(f, MODE, 0604, 0, 0, 0, T2, T2);
        setattr(f, UID | GID, 0, 7, 8, 0, T2, T2);
        setattr(f, CTIME, 0, 0, 0, 0, T2, T2);
        assertThat(Host.time(file, "lastAccessTime")).isEqualTo(T1);
        assertThat(Host.time(file, "lastModifiedTime")).isEqualTo(T1);
        assertThat(Host.attrs(file)).containsEntry("uid", 7).containsEntry("gid", 8);
        assertThat(Files.readString(file)).isEqualTo("hello");
    }

    @Test
    void ctimeAloneChangesNothingElse() {
        Map<String, Object> before = Host.attrs(file);
        setattr(f, CTIME, 0777, 99, 99, 0, T2, T2);
        Map<String, Object> after = Host.attrs(file);
        for (String k : new String[] {"mode", "uid", "gid", "size", "lastModifiedTime", "lastAccessTime"}) {
            assertThat(after.get(k)).as(k).isEqualTo(before.get(k));
        }
        assertThat(Host.time(file, "ctime")).isAfterOrEqualTo(Host.time(file, "lastModifiedTime"));
    }

    /** A symlink's own attributes change, never its target's (lchown; chmod and utimes of a link are refused). */
    @Test
    void aSymlinkIsNeverFollowed() throws IOException {
        Files.createSymbolicLink(host("link"), Path.of("f"));
        Fid link = c.walk("link");
        int targetMode = Host.mode(file);
        setattr(link, UID | GID, 0, 1234, 5678, 0, Instant.EPOCH, Instant.EPOCH);
        assertThat(Host.attrs(host("link"))).containsEntry("uid", 1234).containsEntry("gid", 5678);
        assertThat(Host.attrs(file)).containsEntry("uid", 0).containsEntry("gid", 0);
        c.errno(new TMessage.Tsetattr(link, MODE, 0777, 0, 0, 0, 0, 0, 0, 0));
        c.errno(new TMessage.Tsetattr(link, SIZE, 0, 0, 0, 1, 0, 0, 0, 0));
        Instant mtime = Host.time(file, "lastModifiedTime");
        c.errno(new TMessage.Tsetattr(link, MTIME | MTIME_SET, 0, 0, 0, 0, 0, 0, 1, 0));
        assertThat(Host.mode(file)).isEqualTo(targetMode);
        assertThat(Files.readString(file)).isEqualTo("hello");
        assertThat(Host.time(file, "lastModifiedTime")).isEqualTo(mtime);
    }
}

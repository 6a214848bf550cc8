package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9ErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Extended attributes the 9P2000.L way (Txattrwalk + Tread to get or list, Txattrcreate + Twrite
 * + Tclunk to set or remove), checked through java.nio's view of the "user." namespace.
 */
class XattrContractTest extends ContractTest {
    private Path file;
    private Fid f;

    @BeforeEach
    void file() throws IOException {
        file = Files.writeString(host("f"), "x");
        f = c.walk("f");
    }

    private static UserDefinedFileAttributeView view(Path p) {
        return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
    }

    /** The host's value of user.{@code name}, or null when there is none. */
    private static byte[] hostGet(Path p, String name) throws IOException {
        UserDefinedFileAttributeView v = view(p);
        if (!v.list().contains(name)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(v.size(name));
        v.read(name, b);
        return Arrays.copyOf(b.array(), b.position());
    }

    private static void hostSet(Path p, String name, byte[] value) throws IOException {
        view(p).write(name, ByteBuffer.wrap(value));
    }

    /** Txattrwalk + Treads of {@code count} bytes; the xattr fid is clunked. */
    private static byte[] serverGet(TestClient cl, Fid from, String name, int count) {
        Fid x = cl.newFid();
        long size = cl.call(new TMessage.Txattrwalk(from, x, P9String.of(name)), RMessage.Rxattrwalk.class)
                .size();
        cl.track(x);
        byte[] v = cl.readAll(x, count);
        cl.clunk(x);
        assertThat(v).as("value of %s against Rxattrwalk's size", name).hasSize((int) size);
        return v;
    }

    /** Txattrcreate on a clone of {@code from}, Twrites of at most one msize; returns the clone, to be clunked. */
    private static Fid serverSetUnclunked(TestClient cl, Fid from, String name, byte[] value, int flags) {
        Fid x = cl.walk(from, "");
        cl.call(new TMessage.Txattrcreate(x, P9String.of(name), value.length, flags), RMessage.Rxattrcreate.class);
        int max = cl.msize() - 23;
        for (int off = 0; off < value.length; off += max) {
            byte[] piece = Arrays.copyOfRange(value, off, Math.min(value.length, off + max));
            assertThat(cl.write(x, off, piece)).isEqualTo(piece.length);
        }
        return x;
    }

    /** Sets through the server; the errno of the committing Tclunk, 0 for success. */
    private static int serverSet(TestClient cl, Fid from, String name, byte[] value, int flags) {
        Fid x = serverSetUnclunked(cl, from, name, value, flags);
        cl.forget(x);
        try {
            cl.p9.call(new TMessage.Tclunk(x), RMessage.Rclunk.class);
            return 0;
        } catch (P9ErrorException e) {
            return e.errno();
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            cl.expectErrno(Errno.EBADF, new TMessage.Tclunk(x));
        }
    }

    private static List<String> nulSeparated(byte[] list) {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < list.length; i++) {
            if (list[i] == 0) {
                names.add(new String(list, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        assertThat(start).as("the list ends with a NUL").isEqualTo(list.length);
        return names;
    }

    @Test
    void anEmptyNameListsTheHostsNames() throws IOException {
        assertThat(serverGet(c, f, "", 100)).isEmpty();
        hostSet(file, "a", "1".getBytes(StandardCharsets.UTF_8));
        hostSet(file, "bb", "22".getBytes(StandardCharsets.UTF_8));
        hostSet(file, "empty", new byte[0]);
        List<String> names = nulSeparated(serverGet(c, f, "", 5));
        assertThat(names)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        view(file).list().stream().map(n -> "user." + n).toList());
        assertThat(names).hasSize(3);
    }

    @Test
    void getReturnsTheHostsValue() throws IOException {
        byte[] binary = {0, 1, 2, (byte) 0xff, 0, 'x'};
        hostSet(file, "bin", binary);
        hostSet(file, "empty", new byte[0]);
        assertThat(serverGet(c, f, "user.bin", 100)).isEqualTo(binary);
        assertThat(serverGet(c, f, "user.bin", 1)).isEqualTo(binary);
        assertThat(serverGet(c, f, "user.empty", 100)).isEmpty();
        Fid x = c.newFid();
        c.call(new TMessage.Txattrwalk(f, x, P9String.of("user.bin")), RMessage.Rxattrwalk.class);
        c.track(x);
        assertThat(c.read(x, 4, 100)).containsExactly(0, 'x');
        assertThat(c.read(x, 6, 100)).isEmpty();
        assertThat(c.read(x, 1000, 100)).isEmpty();
    }

    @Test
    void getOfAMissingNameIsEnodataAndMakesNoFid() {
        Fid x = c.newFid();
        c.expectErrno(Errno.ENODATA, new TMessage.Txattrwalk(f, x, P9String.of("user.missing")));
        c.expectErrno(Errno.EBADF, new TMessage.Tclunk(x));
    }

    @Test
    void xattrsOfADirectory() throws IOException {
        Path d = Files.createDirectory(host("d"));
        Fid dir = c.walk("d");
        assertThat(serverSet(c, dir, "user.dir", TestClient.utf8("on a dir"), 0))
                .isZero();
        assertThat(hostGet(d, "dir")).isEqualTo(TestClient.utf8("on a dir"));
        assertThat(serverGet(c, dir, "user.dir", 100)).isEqualTo(TestClient.utf8("on a dir"));
    }

    @ParameterizedTest(name = "exists {0}, flags {1}: errno {2}")
    @CsvSource({
        "false, 0, 0",
        "true, 0, 0",
        "false, 1, 0",
        "true, 1, " + Errno.EEXIST,
        "false, 2, " + Errno.ENODATA,
        "true, 2, 0"
    })
    void createAndReplaceFlags(boolean exists, int flags, int errno) throws IOException {
        byte[] old = TestClient.utf8("old value");
        byte[] value = TestClient.utf8("new value!");
        if (exists) {
            hostSet(file, "it", old);
        }
        assertThat(Errno.name(serverSet(c, f, "user.it", value, flags))).isEqualTo(Errno.name(errno));
        assertThat(hostGet(file, "it")).isEqualTo(errno == 0 ? value : exists ? old : null);
    }

    @Test
    void bothFlagsAtOnceAreEinval() {
        Fid x = c.walk("f");
        c.expectErrno(
                Errno.EINVAL,
                new TMessage.Txattrcreate(
                        x, P9String.of("user.x"), 1, MiscConstants.XATTR_CREATE | MiscConstants.XATTR_REPLACE));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 9})
    void aValueShorterThanAnnouncedIsEinvalAtClunkAndSetsNothing(int written) throws IOException {
        Fid x = c.walk(f, "");
        c.call(new TMessage.Txattrcreate(x, P9String.of("user.short"), 10, 0), RMessage.Rxattrcreate.class);
        if (written > 0) {
            c.write(x, 0, new byte[written]);
        }
        c.forget(x);
        c.expectErrno(Errno.EINVAL, new TMessage.Tclunk(x));
        c.expectErrno(Errno.EBADF, new TMessage.Tclunk(x));
        assertThat(hostGet(file, "short")).isNull();
    }

    @Test
    void aSizeOfZeroRemoves() throws IOException {
        hostSet(file, "gone", TestClient.utf8("soon"));
        hostSet(file, "kept", TestClient.utf8("here"));
        assertThat(serverSet(c, f, "user.gone", new byte[0], 0)).isZero();
        assertThat(view(file).list()).containsExactly("kept");
        assertThat(Errno.name(serverSet(c, f, "user.gone", new byte[0], 0))).isEqualTo("ENODATA");
    }

    @Test
    void writesOutOfOrderAreEinval() throws IOException {
        Fid x = c.walk(f, "");
        c.call(new TMessage.Txattrcreate(x, P9String.of("user.ooo"), 10, 0), RMessage.Rxattrcreate.class);
        c.expectErrno(Errno.EINVAL, new TMessage.Twrite(x, 5, ByteBuffer.wrap(new byte[5])));
        c.write(x, 0, new byte[5]);
        c.expectErrno(Errno.EINVAL, new TMessage.Twrite(x, 0, ByteBuffer.wrap(new byte[5])));
        c.expectErrno(Errno.EINVAL, new TMessage.Twrite(x, 6, ByteBuffer.wrap(new byte[4])));
        c.write(x, 5, new byte[5]);
        c.clunk(x);
        assertThat(hostGet(file, "ooo")).isEqualTo(new byte[10]);
    }

    @Test
    void aValueLargerThanXattrSizeMaxIsRefusedUpFront() {
        c.expectErrno(Errno.E2BIG, new TMessage.Txattrcreate(c.walk("f"), P9String.of("user.big"), 65537, 0));
    }

    /**
     * 64 KiB, Linux's XATTR_SIZE_MAX, on the main export and on tmpfs: the server does what the
     * host file system does (ext4 without ea_inode holds about one block and says ENOSPC).
     */
    @ParameterizedTest
    @ValueSource(strings = {"main", "tmpfs"})
    void aValueOf64KiB(String where) throws IOException {
        Path dir = export;
        String aname = "main";
        if (where.equals("tmpfs")) {
            assumeTrue(Files.isDirectory(Path.of("/dev/shm")), "no /dev/shm");
            dir = fx.scratchDir(Path.of("/dev/shm"));
            aname = "shm";
        }
        byte[] value = new byte[65536];
        new Random(64).nextBytes(value);
        Path probe = Files.writeString(dir.resolve("probe"), "p");
        Throwable hostRefusal = catchThrowable(() -> hostSet(probe, "big", value));
        Path target = Files.writeString(dir.resolve("target"), "t");

        ContractFixture.Served s = where.equals("tmpfs") ? fx.serve(Map.of(aname, dir)) : fx.main();
        for (int msize : new int[] {ContractFixture.MSIZE, 8192 + 24}) {
            TestClient d = fx.client(s, msize, aname);
            Fid t = d.walk("target");
            int errno = serverSet(d, t, "user.big", value, 0);
            if (hostRefusal == null) {
                assertThat(errno).as("errno").isZero();
                assertThat(hostGet(target, "big")).isEqualTo(value);
                assertThat(serverGet(d, t, "user.big", d.msize() - 11)).isEqualTo(value);
                assertThat(serverSet(d, t, "user.big", new byte[0], 0)).isZero();
            } else {
                assertThat(errno)
                        .as("errno where the host says %s", hostRefusal.getMessage())
                        .isNotZero();
                assertThat(hostGet(target, "big")).isNull();
            }
        }
    }

    @Test
    void xattrcreateNeedsAnUnopenedFidAndXattrwalkAFreeNewfid() {
        Fid opened = c.open("f", OpenFlags.RDONLY);
        c.expectErrno(Errno.EINVAL, new TMessage.Txattrcreate(opened, P9String.of("user.x"), 1, 0));
        Fid other = c.walk("f");
        c.expectErrno(Errno.EINVAL, new TMessage.Txattrwalk(f, other, P9String.EMPTY));
        assertThat(c.getattr(other).qid()).isEqualTo(c.getattr(f).qid());
    }

    /** A symlink's extended attributes are its own (user.* cannot exist on one), never its target's. */
    @Test
    void aSymlinksXattrsAreNotItsTargets() throws IOException {
        hostSet(file, "target", TestClient.utf8("of the target"));
        Files.createSymbolicLink(host("link"), Path.of("f"));
        Fid link = c.walk("link");
        c.expectErrno(Errno.ENODATA, new TMessage.Txattrwalk(link, c.newFid(), P9String.of("user.target")));
        assertThat(nulSeparated(serverGet(c, link, "", 100))).doesNotContain("user.target");
        assertThat(serverSet(c, link, "user.set", TestClient.utf8("v"), 0)).isNotZero();
        assertThat(hostGet(file, "set")).isNull();
    }
}

package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tmkdir, Tsymlink, Tmknod, Tlink, Trenameat, Trename, Tunlinkat, Tremove, Treadlink. */
class NamespaceContractTest extends ContractTest {
    private Fid root;

    @BeforeEach
    void tree() throws IOException {
        Files.createDirectories(host("d/sub"));
        Files.writeString(host("d/file"), "content");
        Files.createDirectory(host("empty"));
        root = c.root();
    }

    private void assertQid(Qid q, Path p, int type) {
        assertThat(q.type()).isEqualTo(type);
        if (backend.qidPathIsInode()) {
            assertThat(q.path()).isEqualTo(Host.ino(p));
        }
    }

    private static P9Name n(String s) {
        return P9Name.of(s);
    }

    @Test
    void mkdirMakesADirectoryWithTheModeAndGroupAsked() {
        Qid q = c.call(new TMessage.Tmkdir(root, n("new"), 040750, 5678), RMessage.Rmkdir.class)
                .qid();
        Path p = host("new");
        assertThat(Host.mode(p)).isEqualTo(040750);
        assertThat(Host.attrs(p)).containsEntry("gid", 5678);
        assertQid(q, p, Qid.QTDIR);
        c.expectErrno(Errno.EEXIST, new TMessage.Tmkdir(root, n("new"), 0755, 0));
        c.expectErrno(Errno.EEXIST, new TMessage.Tmkdir(root, n(".."), 0755, 0));
        c.expectErrno(Errno.ENOTDIR, new TMessage.Tmkdir(c.walk("d/file"), n("x"), 0755, 0));
    }

    @Test
    void symlinkStoresTheTargetAsGiven() throws IOException {
        String target = "../../outside/the/export";
        Qid q = c.call(new TMessage.Tsymlink(root, n("link"), P9String.of(target), 5678), RMessage.Rsymlink.class)
                .qid();
        Path p = host("link");
        assertThat(Files.readSymbolicLink(p)).isEqualTo(Path.of(target));
        assertThat(Host.attrs(p)).containsEntry("gid", 5678);
        assertQid(q, p, Qid.QTSYMLINK);
        Fid l = c.walk("link");
        assertThat(c.call(new TMessage.Treadlink(l), RMessage.Rreadlink.class)
                        .target()
                        .asString())
                .isEqualTo(target);
        c.expectErrno(Errno.EINVAL, new TMessage.Treadlink(c.walk("d/file")));
        c.expectErrno(Errno.EEXIST, new TMessage.Tsymlink(root, n("link"), P9String.of("x"), 0));
    }

    @Test
    void mknodMakesFifosButNotDevicesByDefault() {
        Qid q = c.call(new TMessage.Tmknod(root, n("fifo"), 010640, 0, 0, 0), RMessage.Rmknod.class)
                .qid();
        Path p = host("fifo");
        assertThat(Host.mode(p)).isEqualTo(010640);
        assertQid(q, p, Qid.QTFILE);
        c.expectErrno(Errno.EPERM, new TMessage.Tmknod(root, n("null"), 020666, 1, 3, 0));
        c.expectErrno(Errno.EPERM, new TMessage.Tmknod(root, n("disk"), 060600, 8, 0, 0));
        assertThat(host("null")).doesNotExist();
        assertThat(host("disk")).doesNotExist();
    }

    @Test
    void linkMakesASecondNameForTheSameInode() {
        Fid file = c.walk("d/file");
        c.call(new TMessage.Tlink(root, file, n("hard")), RMessage.Rlink.class);
        assertThat(Host.ino(host("hard"))).isEqualTo(Host.ino(host("d/file")));
        assertThat(Host.nlink(host("d/file"))).isEqualTo(2);
        assertThat(c.getattr(file).nlink()).isEqualTo(2);
        c.expectErrno(Errno.EEXIST, new TMessage.Tlink(root, file, n("hard")));
        c.expectErrno(Errno.EPERM, new TMessage.Tlink(root, c.walk("d/sub"), n("dirlink")));
    }

    @Test
    void renameatMovesTheEntry() throws IOException {
        long ino = Host.ino(host("d/file"));
        Fid d = c.walk("d");
        Fid sub = c.walk("d/sub");
        c.call(new TMessage.Trenameat(d, n("file"), sub, n("moved")), RMessage.Rrenameat.class);
        assertThat(host("d/file")).doesNotExist();
        assertThat(Host.ino(host("d/sub/moved"))).isEqualTo(ino);
        // Over an existing file, as rename(2) does.
        Files.writeString(host("victim"), "v");
        c.call(new TMessage.Trenameat(sub, n("moved"), root, n("victim")), RMessage.Rrenameat.class);
        assertThat(Files.readString(host("victim"))).isEqualTo("content");
        c.expectErrno(Errno.ENOENT, new TMessage.Trenameat(d, n("file"), d, n("again")));
    }

    /**
     * Regression: the fid kept the name it was walked by, so a second Trename (or a Tremove) of
     * a renamed fid failed with ENOENT, "renamed since it was walked".
     */
    @Test
    void renameMovesTheFidsFileAndTheFidFollows() throws IOException {
        long ino = Host.ino(host("d/file"));
        Fid file = c.walk("d/file");
        Fid sub = c.walk("d/sub");
        c.call(new TMessage.Trename(file, sub, n("renamed")), RMessage.Rrename.class);
        assertThat(host("d/file")).doesNotExist();
        assertThat(Host.ino(host("d/sub/renamed"))).isEqualTo(ino);
        assertThat(c.getattr(file).size()).isEqualTo(7);
        // The fid keeps naming the file: a second rename starts from the new place.
        c.call(new TMessage.Trename(file, root, n("top")), RMessage.Rrename.class);
        assertThat(Files.readString(host("top"))).isEqualTo("content");
        assertThat(host("d/sub/renamed")).doesNotExist();
        c.forget(file);
        c.call(new TMessage.Tremove(file), RMessage.Rremove.class);
        assertThat(host("top")).doesNotExist();
    }

    @ParameterizedTest(name = "unlinkat {0} flags {1}: {2}")
    @CsvSource({
        "d/file, 0, 0",
        "empty, 0x200, 0",
        "empty, 0, " + Errno.EISDIR,
        "d/file, 0x200, " + Errno.ENOTDIR,
        "d, 0x200, " + Errno.ENOTEMPTY,
        "missing, 0, " + Errno.ENOENT,
        "d/file, 0x100, " + Errno.EINVAL,
        "d/file, 0x201, " + Errno.EINVAL,
        "., 0x200, " + Errno.EINVAL,
        "., 0, " + Errno.EINVAL,
        "d/.., 0x200, " + Errno.ENOTEMPTY
    })
    void unlinkat(String path, String flagsHex, int errno) {
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        int flags = Integer.decode(flagsHex);
        Path p = host(path);
        boolean existed = Files.exists(p);
        Fid d = c.walk(dir);
        TMessage.Tunlinkat m = new TMessage.Tunlinkat(d, n(name), flags);
        if (errno == 0) {
            c.call(m, RMessage.Runlinkat.class);
            assertThat(p).doesNotExist();
        } else {
            c.expectErrno(errno, m);
            assertThat(Files.exists(p)).as("still there").isEqualTo(existed);
        }
    }

    @Test
    void removeRemovesAndClunks() {
        Fid file = c.walk("d/file");
        Fid dir = c.walk("empty");
        c.forget(file);
        c.call(new TMessage.Tremove(file), RMessage.Rremove.class);
        assertThat(host("d/file")).doesNotExist();
        c.expectErrno(Errno.EBADF, new TMessage.Tgetattr(file, 0x7ff));
        c.forget(dir);
        c.call(new TMessage.Tremove(dir), RMessage.Rremove.class);
        assertThat(host("empty")).doesNotExist();
        c.expectErrno(Errno.EBADF, new TMessage.Tclunk(dir));
    }

    @Test
    void aFailedRemoveClunksTheFidAnyway() {
        int before = fx.serverFids();
        Fid full = c.walk("d");
        c.forget(full);
        c.expectErrno(Errno.ENOTEMPTY, new TMessage.Tremove(full));
        assertThat(host("d")).exists();
        c.expectErrno(Errno.EBADF, new TMessage.Tgetattr(full, 0x7ff));
        Fid rootClone = c.walk("");
        c.forget(rootClone);
        c.expectErrno(Errno.EBUSY, new TMessage.Tremove(rootClone));
        c.expectErrno(Errno.EBADF, new TMessage.Tclunk(rootClone));
        assertThat(fx.serverFids()).isEqualTo(before);
    }

    @Test
    void statfsIsTheHostsAsTheGuestWouldSeeIt() {
        String fmt = "%t %s %b %c %l %i %f %a %d";
        String[] before = Host.sh("stat", "-f", "-c", fmt, export.toString()).split(" ");
        RMessage.Rstatfs s = c.call(new TMessage.Tstatfs(c.walk("d")), RMessage.Rstatfs.class);
        String[] after = Host.sh("stat", "-f", "-c", fmt, export.toString()).split(" ");
        assertThat(Integer.toHexString(s.fsType())).as("type").isEqualTo(before[0]);
        assertThat((long) s.bsize()).as("bsize").isEqualTo(Long.parseLong(before[1]));
        assertThat(s.blocks()).as("blocks").isEqualTo(Long.parseLong(before[2]));
        assertThat(s.files()).as("files").isEqualTo(Long.parseLong(before[3]));
        assertThat((long) s.namelen()).as("namelen").isEqualTo(Long.parseLong(before[4]));
        // The Linux client turns the wire's fsid into f_fsid with u64_to_fsid (low word first);
        // stat -f prints f_fsid with the first word in the high half.
        long guestFsid = (s.fsid() << 32) | (s.fsid() >>> 32);
        assertThat(Long.toHexString(guestFsid))
                .as("fsid as the guest's stat -f prints it")
                .isEqualTo(before[5]);
        // Free counts move with the rest of the machine: between the two host samples, give or take 16 MiB.
        long slack = (16L << 20) / s.bsize();
        Map<String, Long> free = Map.of("bfree", s.bfree(), "bavail", s.bavail(), "ffree", s.ffree());
        String[] names = {"bfree", "bavail", "ffree"};
        for (int i = 0; i < 3; i++) {
            long lo = Math.min(Long.parseLong(before[6 + i]), Long.parseLong(after[6 + i])) - slack;
            long hi = Math.max(Long.parseLong(before[6 + i]), Long.parseLong(after[6 + i])) + slack;
            assertThat(free.get(names[i])).as(names[i]).isBetween(lo, hi);
        }
    }

    @Test
    void removeOfAFileWalkedThroughDotDotIsRefusedButStillClunked() {
        Fid viaDotDot = c.walk("d/sub/..");
        c.forget(viaDotDot);
        int errno = c.errno(new TMessage.Tremove(viaDotDot));
        assertThat(errno).isIn(Errno.EOPNOTSUPP, Errno.ENOTEMPTY);
        assertThat(host("d")).exists();
        c.expectErrno(Errno.EBADF, new TMessage.Tclunk(viaDotDot));
    }

    /** Create-type requests naming "." or "..": those exist (QEMU answers EEXIST); renames of them EISDIR. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "mkdir, ., " + Errno.EEXIST,
        "mkdir, .., " + Errno.EEXIST,
        "symlink, ., " + Errno.EEXIST,
        "symlink, .., " + Errno.EEXIST,
        "mknod, ., " + Errno.EEXIST,
        "mknod, .., " + Errno.EEXIST,
        "link, ., " + Errno.EEXIST,
        "link, .., " + Errno.EEXIST,
        "renameat-from, ., " + Errno.EISDIR,
        "renameat-from, .., " + Errno.EISDIR,
        "renameat-to, ., " + Errno.EISDIR,
        "renameat-to, .., " + Errno.EISDIR,
        "rename-to, ., " + Errno.EISDIR,
        "rename-to, .., " + Errno.EISDIR
    })
    void dotAndDotDotAreNeverCreatedOrRenamed(String op, String name, int errno) throws IOException {
        Fid d = c.walk("d");
        Fid file = c.walk("d/file");
        TMessage m =
                switch (op) {
                    case "mkdir" -> new TMessage.Tmkdir(d, n(name), 0755, 0);
                    case "symlink" -> new TMessage.Tsymlink(d, n(name), P9String.of("t"), 0);
                    case "mknod" -> new TMessage.Tmknod(d, n(name), 010644, 0, 0, 0);
                    case "link" -> new TMessage.Tlink(d, file, n(name));
                    case "renameat-from" -> new TMessage.Trenameat(d, n(name), root, n("moved"));
                    case "renameat-to" -> new TMessage.Trenameat(d, n("file"), root, n(name));
                    case "rename-to" -> new TMessage.Trename(file, root, n(name));
                    default -> throw new IllegalArgumentException(op);
                };
        c.expectErrno(errno, m);
        assertThat(Files.readString(host("d/file"))).isEqualTo("content");
        assertThat(host("moved")).doesNotExist();
        try (var s = Files.list(export)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("d", "empty");
        }
    }

    @Test
    void linksAndRenamesNeverCrossExports() throws IOException {
        Path other = fx.scratchDir(export.getParent());
        Files.writeString(other.resolve("theirs"), "t");
        ContractFixture.Served s = fx.serve(Map.of("main", export, "other", other));
        TestClient d = fx.client(s, ContractFixture.MSIZE, "main");
        Fid otherRoot = d.attach("other");
        Fid mine = d.walk("d/file");
        Fid theirs = d.walk(otherRoot, "theirs");
        d.expectErrno(Errno.EXDEV, new TMessage.Tlink(otherRoot, mine, n("x")));
        d.expectErrno(Errno.EXDEV, new TMessage.Tlink(d.root(), theirs, n("x")));
        d.expectErrno(Errno.EXDEV, new TMessage.Trenameat(d.root(), n("empty"), otherRoot, n("x")));
        d.expectErrno(Errno.EXDEV, new TMessage.Trename(theirs, d.root(), n("x")));
        assertThat(other.resolve("x")).doesNotExist();
        assertThat(host("x")).doesNotExist();
        assertThat(host("empty")).isDirectory();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 255, 4095})
    void symlinkTargetsOfAnyLengthRoundTrip(int length) throws IOException {
        String target = "t".repeat(length);
        c.call(new TMessage.Tsymlink(root, n("long"), P9String.of(target), 0), RMessage.Rsymlink.class);
        assertThat(Files.readSymbolicLink(host("long")).toString()).isEqualTo(target);
        assertThat(c.call(new TMessage.Treadlink(c.walk("long")), RMessage.Rreadlink.class)
                        .target()
                        .asString())
                .isEqualTo(target);
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(strings = {"0140640", "0100640", "0000640"})
    void mknodOfSocketsAndRegularFiles(String octal) {
        int mode = Integer.parseInt(octal, 8);
        c.call(new TMessage.Tmknod(root, n("node"), mode, 0, 0, 0), RMessage.Rmknod.class);
        int type = (mode & 0170000) == 0 ? 0100000 : mode & 0170000;
        assertThat(Integer.toOctalString(Host.mode(host("node")))).isEqualTo(Integer.toOctalString(type | 0640));
    }

    /** Linux names are bytes: names that are not UTF-8 are created, listed and walked unchanged. */
    @Test
    void namesAreBytesNotText() throws IOException {
        byte[] ours = {'a', (byte) 0xff, (byte) 0xfe, 'z'};
        byte[] invalid = {(byte) 0xc3, (byte) 0x28};
        Fid d = c.walk("empty");
        Qid q = c.call(
                        new TMessage.Tlcreate(c.walk(d, ""), P9Name.of(ours), OpenFlags.RDWR, 0600, 0),
                        RMessage.Rlcreate.class)
                .qid();
        c.call(new TMessage.Tmkdir(d, P9Name.of(invalid), 0755, 0), RMessage.Rmkdir.class);
        // One the host makes: 0xff "host".
        Host.sh(
                "sh",
                "-c",
                "cd \"$1\" && touch \"$(printf '\\377host')\"",
                "--",
                host("empty").toString());
        try (var s = Files.list(host("empty"))) {
            assertThat(s.count()).isEqualTo(3);
        }
        Set<String> listed = new TreeSet<>();
        for (var e : c.readdirAll(c.open("empty", OpenFlags.RDONLY), 8192)) {
            listed.add(HexFormat.of().formatHex(e.name().bytes()));
        }
        assertThat(listed).containsExactlyInAnyOrder("2e", "2e2e", "61fffe7a", "c328", "ff686f7374");
        Fid w = c.newFid();
        RMessage.Rwalk r = c.call(new TMessage.Twalk(d, w, List.of(P9Name.of(ours))), RMessage.Rwalk.class);
        c.track(w);
        assertThat(r.qids()).containsExactly(q);
        Fid h = c.newFid();
        c.call(
                new TMessage.Twalk(d, h, List.of(P9Name.of(new byte[] {(byte) 0xff, 'h', 'o', 's', 't'}))),
                RMessage.Rwalk.class);
        c.track(h);
        assertThat(c.getattr(h).size()).isZero();
    }
}

package io.hvl9p.virtio9p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.protocol.Dirent;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.LockConstants;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.SetattrValid;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.protocol.client.P9ErrorException;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every 9P2000.L request through the shared-memory transport, each result checked against the
 * host file system. The last test fails if a request type was never sent by the others.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AllRequestsTest {
    private static final Set<Class<? extends TMessage>> SENT = ConcurrentHashMap.newKeySet();

    private static Fid walk(P9Client c, Fid from, String... names) throws IOException {
        Fid f = c.newFid();
        List<P9Name> n = Arrays.stream(names).map(P9Name::of).toList();
        RMessage.Rwalk w = c.call(new TMessage.Twalk(from, f, n), RMessage.Rwalk.class);
        assertThat(w.qids()).hasSize(names.length);
        return f;
    }

    private static void clunk(P9Client c, Fid... fids) throws IOException {
        for (Fid f : fids) {
            c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
        }
    }

    private static Map<String, Object> unix(Path p) throws IOException {
        return Files.readAttributes(p, "unix:*", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    @Order(1)
    void sessionWalkGetattrStatfs(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(kind);
                P9Client c = rig.client()) {
            Path deep = Files.createDirectories(rig.export.resolve("a/b/c"));
            Files.writeString(deep.resolve("f.txt"), "twelve bytes");
            assertThat(c.version().asString()).isEqualTo("9P2000.L");
            assertThat(c.msize()).isEqualTo(rig.config.msize());

            assertThatThrownBy(() -> c.call(
                            new TMessage.Tauth(
                                    c.newFid(), P9String.of("root"), P9String.of("share"), MiscConstants.NONUNAME),
                            RMessage.Rauth.class))
                    .isInstanceOfSatisfying(
                            P9ErrorException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));

            Fid root = rig.attach(c);
            Fid f = c.newFid();
            RMessage.Rwalk w = c.call(
                    new TMessage.Twalk(
                            root, f, List.of(P9Name.of("a"), P9Name.of("b"), P9Name.of("c"), P9Name.of("f.txt"))),
                    RMessage.Rwalk.class);
            assertThat(w.qids()).hasSize(4);
            assertThat(w.qids().subList(0, 3)).allMatch(Qid::isDirectory);
            assertThat(w.qids().get(3).path())
                    .isEqualTo(unix(deep.resolve("f.txt")).get("ino"));
            Fid partial = c.newFid();
            RMessage.Rwalk pw = c.call(
                    new TMessage.Twalk(root, partial, List.of(P9Name.of("a"), P9Name.of("missing"))),
                    RMessage.Rwalk.class);
            assertThat(pw.qids()).hasSize(1); // partial walk: newfid not created
            assertThatThrownBy(() -> c.call(new TMessage.Tclunk(partial), RMessage.Rclunk.class))
                    .isInstanceOf(P9ErrorException.class);

            RMessage.Rgetattr a = c.call(new TMessage.Tgetattr(f, GetattrMask.ALL), RMessage.Rgetattr.class);
            Map<String, Object> host = unix(deep.resolve("f.txt"));
            assertThat(a.size()).isEqualTo(12);
            assertThat(a.mode()).isEqualTo(host.get("mode"));
            assertThat(a.uid()).isEqualTo(host.get("uid"));
            assertThat(a.gid()).isEqualTo(host.get("gid"));
            assertThat(a.nlink()).isEqualTo(((Number) host.get("nlink")).longValue());
            FileTime mtime = (FileTime) host.get("lastModifiedTime");
            assertThat(a.mtimeSec()).isEqualTo(mtime.to(TimeUnit.SECONDS));

            RMessage.Rstatfs s = c.call(new TMessage.Tstatfs(root), RMessage.Rstatfs.class);
            var store = Files.getFileStore(rig.export);
            assertThat(s.blocks() * s.bsize()).isEqualTo(store.getTotalSpace());
            assertThat(s.namelen()).isEqualTo(255);
            clunk(c, f, root);
            SENT.addAll(rig.sent);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    @Order(2)
    void createWriteReadSyncSetattr(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(kind);
                P9Client c = rig.client()) {
            Fid root = rig.attach(c);
            Fid f = walk(c, root);
            RMessage.Rlcreate cr = c.call(
                    new TMessage.Tlcreate(f, P9Name.of("new.bin"), OpenFlags.RDWR | OpenFlags.CREATE, 0640, 0),
                    RMessage.Rlcreate.class);
            Path file = rig.export.resolve("new.bin");
            assertThat(cr.qid().path()).isEqualTo(unix(file).get("ino"));
            assertThat(unix(file).get("mode")).isEqualTo(0100640);
            byte[] data = "hello, shared memory".getBytes(StandardCharsets.UTF_8);
            assertThat(c.call(new TMessage.Twrite(f, 0, ByteBuffer.wrap(data)), RMessage.Rwrite.class)
                            .count())
                    .isEqualTo(data.length);
            c.call(new TMessage.Tfsync(f, 0), RMessage.Rfsync.class);
            assertThat(Files.readAllBytes(file)).isEqualTo(data);
            clunk(c, f);

            Fid r = walk(c, root, "new.bin");
            c.call(new TMessage.Tlopen(r, OpenFlags.RDONLY), RMessage.Rlopen.class);
            ByteBuffer got =
                    c.call(new TMessage.Tread(r, 7, 100), RMessage.Rread.class).data();
            byte[] b = new byte[got.remaining()];
            got.get(b);
            assertThat(b).isEqualTo(Arrays.copyOfRange(data, 7, data.length));

            // size apart from mtime: the server truncates last (QEMU's order), which sets mtime to now
            c.call(new TMessage.Tsetattr(r, SetattrValid.SIZE, 0, 0, 0, 5, 0, 0, 0, 0), RMessage.Rsetattr.class);
            c.call(
                    new TMessage.Tsetattr(
                            r,
                            SetattrValid.MODE | SetattrValid.MTIME | SetattrValid.MTIME_SET,
                            0600,
                            0,
                            0,
                            5,
                            0,
                            0,
                            1_000_000_000L,
                            0),
                    RMessage.Rsetattr.class);
            assertThat(unix(file).get("mode")).isEqualTo(0100600);
            assertThat(Files.size(file)).isEqualTo(5);
            assertThat(Files.getLastModifiedTime(file).to(TimeUnit.SECONDS)).isEqualTo(1_000_000_000L);
            clunk(c, r, root);
            SENT.addAll(rig.sent);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    @Order(3)
    void directoriesLinksAndNames(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(kind);
                P9Client c = rig.client()) {
            Path x = rig.export;
            Files.writeString(x.resolve("plain"), "p");
            Fid root = rig.attach(c);
            RMessage.Rmkdir md = c.call(new TMessage.Tmkdir(root, P9Name.of("dir"), 0750, 0), RMessage.Rmkdir.class);
            assertThat(md.qid().isDirectory()).isTrue();
            assertThat(unix(x.resolve("dir")).get("mode")).isEqualTo(040750);
            c.call(new TMessage.Tsymlink(root, P9Name.of("sym"), P9String.of("plain"), 0), RMessage.Rsymlink.class);
            assertThat(Files.readSymbolicLink(x.resolve("sym"))).isEqualTo(Path.of("plain"));
            Fid sym = walk(c, root, "sym");
            assertThat(c.call(new TMessage.Treadlink(sym), RMessage.Rreadlink.class)
                            .target()
                            .asString())
                    .isEqualTo("plain");
            RMessage.Rmknod mk =
                    c.call(new TMessage.Tmknod(root, P9Name.of("fifo"), 0010644, 0, 0, 0), RMessage.Rmknod.class);
            assertThat((int) unix(x.resolve("fifo")).get("mode") & 0170000).isEqualTo(0010000);
            assertThat(mk.qid().path()).isEqualTo(unix(x.resolve("fifo")).get("ino"));
            Fid plain = walk(c, root, "plain");
            c.call(new TMessage.Tlink(root, plain, P9Name.of("hard")), RMessage.Rlink.class);
            assertThat(Files.isSameFile(x.resolve("plain"), x.resolve("hard"))).isTrue();
            assertThat(unix(x.resolve("plain")).get("nlink")).isEqualTo(2);

            Fid d = walk(c, root);
            c.call(new TMessage.Tlopen(d, OpenFlags.RDONLY | OpenFlags.DIRECTORY), RMessage.Rlopen.class);
            List<String> names = new ArrayList<>();
            long cookie = 0;
            while (true) {
                List<Dirent> ents = c.call(new TMessage.Treaddir(d, cookie, 200), RMessage.Rreaddir.class)
                        .entries();
                if (ents.isEmpty()) {
                    break;
                }
                for (Dirent e : ents) {
                    names.add(e.name().asString());
                    cookie = e.offset();
                }
            }
            List<String> host;
            try (Stream<Path> s = Files.list(x)) {
                host = new ArrayList<>(s.map(p -> p.getFileName().toString()).toList());
            }
            host.add(".");
            host.add("..");
            assertThat(names).containsExactlyInAnyOrderElementsOf(host);

            Fid dir = walk(c, root, "dir");
            c.call(new TMessage.Trename(plain, dir, P9Name.of("moved")), RMessage.Rrename.class);
            assertThat(x.resolve("plain")).doesNotExist();
            assertThat(x.resolve("dir/moved")).hasContent("p");
            c.call(new TMessage.Trenameat(dir, P9Name.of("moved"), root, P9Name.of("back")), RMessage.Rrenameat.class);
            assertThat(x.resolve("back")).hasContent("p");
            c.call(new TMessage.Tunlinkat(root, P9Name.of("back"), 0), RMessage.Runlinkat.class);
            assertThat(x.resolve("back")).doesNotExist();
            clunk(c, dir);
            c.call(
                    new TMessage.Tunlinkat(root, P9Name.of("dir"), MiscConstants.AT_REMOVEDIR),
                    RMessage.Runlinkat.class);
            assertThat(x.resolve("dir")).doesNotExist();
            Fid fifo = walk(c, root, "fifo");
            c.call(new TMessage.Tremove(fifo), RMessage.Rremove.class); // clunks the fid too
            assertThat(x.resolve("fifo")).doesNotExist();
            clunk(c, plain, sym, d, root);
            SENT.addAll(rig.sent);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    @Order(4)
    void xattrs(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(kind);
                P9Client c = rig.client()) {
            Path file = Files.writeString(rig.export.resolve("x"), "x");
            Fid root = rig.attach(c);
            Fid set = walk(c, root, "x");
            byte[] value = "value".getBytes(StandardCharsets.UTF_8);
            c.call(
                    new TMessage.Txattrcreate(set, P9String.of("user.hvl"), value.length, MiscConstants.XATTR_CREATE),
                    RMessage.Rxattrcreate.class);
            c.call(new TMessage.Twrite(set, 0, ByteBuffer.wrap(value)), RMessage.Rwrite.class);
            clunk(c, set); // commits
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            ByteBuffer host = ByteBuffer.allocate(16);
            view.read("hvl", host);
            assertThat(new String(host.array(), 0, host.position(), StandardCharsets.UTF_8))
                    .isEqualTo("value");

            Fid f = walk(c, root, "x");
            Fid xa = c.newFid();
            long size = c.call(new TMessage.Txattrwalk(f, xa, P9String.of("user.hvl")), RMessage.Rxattrwalk.class)
                    .size();
            assertThat(size).isEqualTo(value.length);
            ByteBuffer got = c.call(new TMessage.Tread(xa, 0, (int) size), RMessage.Rread.class)
                    .data();
            assertThat(StandardCharsets.UTF_8.decode(got).toString()).isEqualTo("value");
            Fid list = c.newFid();
            long listSize = c.call(new TMessage.Txattrwalk(f, list, P9String.EMPTY), RMessage.Rxattrwalk.class)
                    .size();
            ByteBuffer names = c.call(new TMessage.Tread(list, 0, (int) listSize), RMessage.Rread.class)
                    .data();
            assertThat(StandardCharsets.UTF_8.decode(names).toString().split("\0"))
                    .contains("user.hvl");
            clunk(c, xa, list, f, root);
            SENT.addAll(rig.sent);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    @Order(5)
    void locksBetweenTwoSessionsAndFlush(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(ShmRig.Config.of(kind).withDevices(2));
                P9Client a = rig.client(0);
                P9Client b = rig.client(1)) {
            Files.writeString(rig.export.resolve("lock"), "0123456789");
            Fid ra = rig.attach(a);
            Fid rb = rig.attach(b);
            Fid fa = walk(a, ra, "lock");
            Fid fb = walk(b, rb, "lock");
            a.call(new TMessage.Tlopen(fa, OpenFlags.RDWR), RMessage.Rlopen.class);
            b.call(new TMessage.Tlopen(fb, OpenFlags.RDWR), RMessage.Rlopen.class);
            P9String id = P9String.of("rig");
            assertThat(lock(a, fa, LockConstants.TYPE_WRLCK, 0, 4)).isEqualTo(LockConstants.STATUS_SUCCESS);
            try (FileChannel host = FileChannel.open(rig.export.resolve("lock"), StandardOpenOption.WRITE)) {
                assertThat(host.tryLock(0, 4, false))
                        .as("host lock over the 9p lock")
                        .isNull();
                FileLock free = host.tryLock(4, 6, false);
                assertThat(free).as("host lock beside the 9p lock").isNotNull();
                free.release();
            }
            RMessage.Rgetlock gl =
                    b.call(new TMessage.Tgetlock(fb, LockConstants.TYPE_WRLCK, 0, 0, 2, id), RMessage.Rgetlock.class);
            assertThat(gl.lockType()).isEqualTo(LockConstants.TYPE_WRLCK);
            assertThat(gl.start()).isZero();
            assertThat(gl.length()).isEqualTo(4);
            assertThat(lock(b, fb, LockConstants.TYPE_WRLCK, 2, 0)).isEqualTo(LockConstants.STATUS_BLOCKED);
            assertThat(lock(b, fb, LockConstants.TYPE_WRLCK, 4, 0)).isEqualTo(LockConstants.STATUS_SUCCESS);
            assertThat(lock(a, fa, LockConstants.TYPE_UNLCK, 0, 4)).isEqualTo(LockConstants.STATUS_SUCCESS);
            assertThat(b.call(new TMessage.Tgetlock(fb, LockConstants.TYPE_WRLCK, 0, 4, 2, id), RMessage.Rgetlock.class)
                            .lockType())
                    .isEqualTo(LockConstants.TYPE_UNLCK);
            a.flush(4321); // a tag not in flight: Rflush at once
            clunk(a, fa, ra);
            clunk(b, fb, rb);
            SENT.addAll(rig.sent);
        }
    }

    private static int lock(P9Client c, Fid f, int type, long start, long length) throws IOException {
        return c.call(new TMessage.Tlock(f, type, 0, start, length, 1, P9String.of("rig")), RMessage.Rlock.class)
                .status();
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void everyRequestTypeWasSent() {
        List<String> missing = Arrays.stream(TMessage.class.getPermittedSubclasses())
                .filter(t -> !SENT.contains(t))
                .map(Class::getSimpleName)
                .toList();
        assertThat(missing)
                .as("request types no test of this class sent through shared memory")
                .isEmpty();
    }
}

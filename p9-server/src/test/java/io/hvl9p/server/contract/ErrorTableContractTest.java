package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.LockConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.SetattrValid;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The error table: every fid a request names, when the session does not hold it, is EBADF and
 * changes nothing on the host; requests on a fid in the wrong state get the errno the protocol
 * gives them. A test fails if a request type with a fid is missing from the table.
 */
class ErrorTableContractTest extends ContractTest {
    private Fid file;
    private Fid dir;

    @BeforeEach
    void tree() throws IOException {
        Files.writeString(host("f"), "content");
        Files.createDirectory(host("d"));
        file = c.walk("f");
        dir = c.walk("d");
    }

    /** One fid position of one request: {@code make} gets the fid to put there, and this test for the others. */
    record Row(Class<? extends TMessage> type, String field, BiFunction<Fid, ErrorTableContractTest, TMessage> make) {
        @Override
        public String toString() {
            return type.getSimpleName() + "." + field;
        }
    }

    private static final P9Name X = P9Name.of("x");

    static final List<Row> ROWS = List.of(
            new Row(TMessage.Twalk.class, "fid", (f, t) -> new TMessage.Twalk(f, t.c.newFid(), TestClient.names("f"))),
            new Row(TMessage.Tlopen.class, "fid", (f, t) -> new TMessage.Tlopen(f, OpenFlags.RDONLY)),
            new Row(TMessage.Tlcreate.class, "fid", (f, t) -> new TMessage.Tlcreate(f, X, OpenFlags.RDWR, 0644, 0)),
            new Row(TMessage.Tread.class, "fid", (f, t) -> new TMessage.Tread(f, 0, 100)),
            new Row(TMessage.Twrite.class, "fid", (f, t) -> new TMessage.Twrite(f, 0, ByteBuffer.wrap(new byte[3]))),
            new Row(TMessage.Tclunk.class, "fid", (f, t) -> new TMessage.Tclunk(f)),
            new Row(TMessage.Tremove.class, "fid", (f, t) -> new TMessage.Tremove(f)),
            new Row(TMessage.Tstatfs.class, "fid", (f, t) -> new TMessage.Tstatfs(f)),
            new Row(TMessage.Tgetattr.class, "fid", (f, t) -> new TMessage.Tgetattr(f, GetattrMask.ALL)),
            new Row(
                    TMessage.Tsetattr.class,
                    "fid",
                    (f, t) ->
                            new TMessage.Tsetattr(f, SetattrValid.MODE | SetattrValid.SIZE, 0600, 0, 0, 0, 0, 0, 0, 0)),
            new Row(TMessage.Treadlink.class, "fid", (f, t) -> new TMessage.Treadlink(f)),
            new Row(TMessage.Tsymlink.class, "fid", (f, t) -> new TMessage.Tsymlink(f, X, P9String.of("t"), 0)),
            new Row(TMessage.Tmknod.class, "dfid", (f, t) -> new TMessage.Tmknod(f, X, 010644, 0, 0, 0)),
            new Row(TMessage.Tmkdir.class, "dfid", (f, t) -> new TMessage.Tmkdir(f, X, 0755, 0)),
            new Row(TMessage.Tlink.class, "dfid", (f, t) -> new TMessage.Tlink(f, t.file, X)),
            new Row(TMessage.Tlink.class, "fid", (f, t) -> new TMessage.Tlink(t.c.root(), f, X)),
            new Row(TMessage.Trename.class, "fid", (f, t) -> new TMessage.Trename(f, t.dir, X)),
            new Row(TMessage.Trename.class, "dfid", (f, t) -> new TMessage.Trename(t.file, f, X)),
            new Row(
                    TMessage.Trenameat.class,
                    "olddirfid",
                    (f, t) -> new TMessage.Trenameat(f, P9Name.of("f"), t.c.root(), X)),
            new Row(
                    TMessage.Trenameat.class,
                    "newdirfid",
                    (f, t) -> new TMessage.Trenameat(t.c.root(), P9Name.of("f"), f, X)),
            new Row(TMessage.Tunlinkat.class, "dirfid", (f, t) -> new TMessage.Tunlinkat(f, P9Name.of("f"), 0)),
            new Row(TMessage.Treaddir.class, "fid", (f, t) -> new TMessage.Treaddir(f, 0, 8192)),
            new Row(TMessage.Tfsync.class, "fid", (f, t) -> new TMessage.Tfsync(f, 0)),
            new Row(
                    TMessage.Txattrwalk.class,
                    "fid",
                    (f, t) -> new TMessage.Txattrwalk(f, t.c.newFid(), P9String.EMPTY)),
            new Row(
                    TMessage.Txattrcreate.class,
                    "fid",
                    (f, t) -> new TMessage.Txattrcreate(f, P9String.of("user.x"), 1, 0)),
            new Row(
                    TMessage.Tlock.class,
                    "fid",
                    (f, t) -> new TMessage.Tlock(f, LockConstants.TYPE_WRLCK, 0, 0, 0, 1, P9String.EMPTY)),
            new Row(
                    TMessage.Tgetlock.class,
                    "fid",
                    (f, t) -> new TMessage.Tgetlock(f, LockConstants.TYPE_WRLCK, 0, 0, 1, P9String.EMPTY)));

    /** Fids that a request creates rather than uses (and Tauth's, refused before it is looked at). */
    private static final Set<String> CREATED =
            Set.of("Tattach.fid", "Tattach.afid", "Tauth.afid", "Twalk.newfid", "Txattrwalk.newfid");

    /** How the fid is unknown. */
    enum Unknown {
        NEVER_USED,
        NOFID,
        CLUNKED,
        REMOVED
    }

    static Stream<Arguments> rows() {
        return ROWS.stream().flatMap(r -> Arrays.stream(Unknown.values()).map(u -> Arguments.of(r, u)));
    }

    private Fid unknown(Unknown u) {
        return switch (u) {
            case NEVER_USED -> Fid.of(1_000_000);
            case NOFID -> Fid.NOFID;
            case CLUNKED -> {
                Fid f = c.walk("f");
                c.clunk(f);
                yield f;
            }
            case REMOVED -> {
                Path p = host("removed");
                try {
                    Files.createFile(p);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                Fid f = c.walk("removed");
                c.forget(f);
                c.call(new TMessage.Tremove(f), RMessage.Rremove.class);
                yield f;
            }
        };
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("rows")
    void anUnknownFidIsEbadfAndChangesNothing(Row row, Unknown u) throws IOException {
        Fid f = unknown(u);
        int fids = fx.serverFids();
        c.expectErrno(Errno.EBADF, row.make().apply(f, this));
        assertThat(fx.serverFids()).isEqualTo(fids);
        assertThat(host("x")).doesNotExist();
        assertThat(Files.readString(host("f"))).isEqualTo("content");
        assertThat(Integer.toOctalString(Host.mode(host("f")))).isEqualTo("100644");
        // The fids that were known still work.
        c.getattr(file);
        c.getattr(dir);
    }

    @Test
    void theTableHasEveryFidOfEveryRequest() {
        Set<String> required = new TreeSet<>();
        for (Class<?> t : TMessage.class.getPermittedSubclasses()) {
            for (var rc : t.getRecordComponents()) {
                if (rc.getType() == Fid.class) {
                    required.add(t.getSimpleName() + "." + rc.getName());
                }
            }
        }
        required.removeAll(CREATED);
        Set<String> table = ROWS.stream().map(Row::toString).collect(Collectors.toCollection(TreeSet::new));
        assertThat(table).isEqualTo(required);
    }

    /** A request on a fid in a state that does not allow it. */
    record Case(String name, int errno, Function<ErrorTableContractTest, TMessage> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> wrongStates() {
        return Stream.of(
                new Case("read of a fid not opened", Errno.EBADF, t -> new TMessage.Tread(t.file, 0, 10)),
                new Case("write to a fid not opened", Errno.EBADF, t -> write(t.file)),
                new Case("write to a fid opened read-only", Errno.EBADF, t -> write(t.c.open("f", OpenFlags.RDONLY))),
                new Case(
                        "read of a fid opened write-only",
                        Errno.EBADF,
                        t -> new TMessage.Tread(t.c.open("f", OpenFlags.WRONLY), 0, 10)),
                new Case(
                        "lcreate on an opened fid",
                        Errno.EINVAL,
                        t -> new TMessage.Tlcreate(t.c.open("d", OpenFlags.RDONLY), X, OpenFlags.RDWR, 0644, 0)),
                new Case(
                        "lopen of an opened fid",
                        Errno.EINVAL,
                        t -> new TMessage.Tlopen(t.c.open("f", OpenFlags.RDONLY), OpenFlags.RDONLY)),
                new Case("readdir of a fid not opened", Errno.EBADF, t -> new TMessage.Treaddir(t.dir, 0, 8192)),
                new Case("fsync of a fid not opened", Errno.EBADF, t -> new TMessage.Tfsync(t.file, 0)),
                new Case(
                        "lock on a fid not opened",
                        Errno.EBADF,
                        t -> new TMessage.Tlock(t.file, LockConstants.TYPE_RDLCK, 0, 0, 0, 1, P9String.EMPTY)),
                new Case(
                        "attach to a fid in use",
                        Errno.EINVAL,
                        t -> new TMessage.Tattach(t.file, Fid.NOFID, P9String.of("root"), P9String.of("main"), 0)),
                new Case(
                        "xattrwalk to a newfid in use",
                        Errno.EINVAL,
                        t -> new TMessage.Txattrwalk(t.c.root(), t.file, P9String.EMPTY)),
                new Case("getattr of an xattr fid", Errno.EBADF, t -> new TMessage.Tgetattr(t.xattrList(), 0x7ff)),
                new Case(
                        "walk from an xattr fid",
                        Errno.EBADF,
                        t -> new TMessage.Twalk(t.xattrList(), t.c.newFid(), List.of())),
                new Case("write to an xattr fid for reading", Errno.EBADF, t -> write(t.xattrList())),
                new Case(
                        "lcreate in a file",
                        Errno.ENOTDIR,
                        t -> new TMessage.Tlcreate(t.c.walk("f"), X, OpenFlags.RDWR, 0644, 0)),
                new Case("mkdir in a file", Errno.ENOTDIR, t -> new TMessage.Tmkdir(t.file, X, 0755, 0)),
                new Case(
                        "read of an opened directory",
                        Errno.EISDIR,
                        t -> new TMessage.Tread(t.c.open("d", OpenFlags.RDONLY), 0, 100)),
                new Case(
                        "readdir of an opened file",
                        Errno.ENOTDIR,
                        t -> new TMessage.Treaddir(t.c.open("f", OpenFlags.RDONLY), 0, 8192)));
    }

    private static TMessage write(Fid f) {
        return new TMessage.Twrite(f, 0, ByteBuffer.wrap(TestClient.utf8("xyz")));
    }

    private Fid xattrList() {
        Fid x = c.newFid();
        c.call(new TMessage.Txattrwalk(file, x, P9String.EMPTY), RMessage.Rxattrwalk.class);
        c.track(x);
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongStates")
    void aFidInTheWrongStateIsRefused(Case k) throws IOException {
        TMessage m = k.make().apply(this);
        long qidPath = c.getattr(file).qid().path();
        c.expectErrno(k.errno(), m);
        assertThat(Files.readString(host("f"))).isEqualTo("content");
        assertThat(host("x")).doesNotExist();
        assertThat(host("d/x")).doesNotExist();
        assertThat(c.getattr(file).qid().path())
                .as("the fid still names its file")
                .isEqualTo(qidPath);
    }
}

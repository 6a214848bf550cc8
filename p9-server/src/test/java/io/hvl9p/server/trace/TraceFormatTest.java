package io.hvl9p.server.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Dirent;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.Message;
import io.hvl9p.protocol.MessageType;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage.*;
import io.hvl9p.protocol.TMessage.*;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The one-line renderings of --trace, for every message type. */
class TraceFormatTest {
    private static final Fid F = Fid.of(3);
    private static final Fid G = Fid.of(4);
    private static final Qid DIR = new Qid(Qid.QTDIR, 0, 0x1a);
    private static final Qid FILE = new Qid(Qid.QTFILE, 7, 0x2b);
    /** Bytes a trace must never show raw: a newline, an escape, a quote, a backslash, UTF-8. */
    private static final byte[] NASTY = {'a', '\n', 'b', 0x1b, '"', '\\', (byte) 0xc3, (byte) 0xa9};

    private static final P9Name NAME = P9Name.of(NASTY);
    private static final P9String STR = P9String.of(NASTY);

    /** One message of every type, with awkward names wherever there is a name. */
    static List<Message> samples() {
        return List.of(
                new Tversion(131072, P9String.of("9P2000.L")),
                new Rversion(131072, P9String.of("9P2000.L")),
                new Tauth(Fid.NOFID, STR, STR, MiscConstants.NONUNAME),
                new Rauth(FILE),
                new Tattach(F, Fid.NOFID, STR, STR, MiscConstants.NONUNAME),
                new Rattach(DIR),
                new Rlerror(Errno.ENOENT),
                new Tflush(5),
                new Rflush(),
                new Twalk(F, G, List.of(NAME, P9Name.of("b"))),
                new Rwalk(List.of(DIR, FILE)),
                new Tread(F, 0, 4096),
                new Rread(ByteBuffer.wrap("a\nb".getBytes(java.nio.charset.StandardCharsets.US_ASCII))),
                new Twrite(F, 10, ByteBuffer.wrap(NASTY)),
                new Rwrite(8),
                new Tclunk(F),
                new Rclunk(),
                new Tremove(F),
                new Rremove(),
                new Tstatfs(F),
                new Rstatfs(0x01021997, 4096, 10, 5, 5, 100, 50, 1, 255),
                new Tlopen(F, 02304000),
                new Rlopen(FILE, 0),
                new Tlcreate(F, NAME, OpenFlags.RDWR | OpenFlags.CREATE | OpenFlags.TRUNC, 0644, 0),
                new Rlcreate(FILE, 0),
                new Tsymlink(F, NAME, STR, 0),
                new Rsymlink(FILE),
                new Tmknod(F, NAME, 020644, 1, 3, 0),
                new Rmknod(FILE),
                new Trename(F, G, NAME),
                new Rrename(),
                new Treadlink(F),
                new Rreadlink(STR),
                new Tgetattr(F, GetattrMask.ALL),
                new Rgetattr(GetattrMask.BASIC, FILE, 0100644, 0, 0, 1, 0, 8, 4096, 1, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0),
                new Tsetattr(F, 0x41, 040000, 0, 0, 0, 0, 0, 0, 0),
                new Rsetattr(),
                new Txattrwalk(F, G, STR),
                new Rxattrwalk(12),
                new Txattrcreate(F, STR, 12, MiscConstants.XATTR_CREATE),
                new Rxattrcreate(),
                new Treaddir(F, 0, 65488),
                new Rreaddir(List.of(new Dirent(DIR, 1, Dirent.DT_DIR, P9Name.DOT), new Dirent(FILE, 2, 8, NAME))),
                new Tfsync(F, 1),
                new Rfsync(),
                new Tlock(F, 1, 1, 0, 0, 42, STR),
                new Rlock(0),
                new Tgetlock(F, 1, 0, 0, 42, STR),
                new Rgetlock(2, 0, 0, 42, STR),
                new Tlink(F, G, NAME),
                new Rlink(),
                new Tmkdir(F, NAME, 0755, 0),
                new Rmkdir(DIR),
                new Trenameat(F, NAME, G, P9Name.of("new")),
                new Rrenameat(),
                new Tunlinkat(F, NAME, MiscConstants.AT_REMOVEDIR),
                new Runlinkat());
    }

    @Test
    void samplesCoverEveryMessageType() {
        Set<MessageType> missing = EnumSet.allOf(MessageType.class);
        missing.removeAll(samples().stream().map(Message::type).collect(Collectors.toSet()));
        assertThat(missing).as("message types without a trace sample").isEmpty();
    }

    static Stream<Message> everyType() {
        return samples().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyType")
    void rendersOnOnePrintableLine(Message m) {
        String line = TraceFormat.format(1, m);
        assertThat(line).startsWith(m.getClass().getSimpleName() + " tag 1");
        assertThat(line.chars())
                .as("only printable ASCII (no newline, no escape, no raw UTF-8) in %s", line)
                .allMatch(c -> c >= 0x20 && c < 0x7f);
        assertThat(line).as("no default Object.toString").doesNotContain("@");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyType")
    void namesAreQuotedWithNonPrintablesEscaped(Message m) {
        String line = TraceFormat.format(1, m);
        boolean hasName = Stream.of(m.getClass().getRecordComponents())
                .anyMatch(c -> c.getType() == P9Name.class || c.getType() == P9String.class);
        if (hasName && !(m instanceof Tversion || m instanceof Rversion)) {
            assertThat(line).contains("\"a\\x0ab\\x1b\\x22\\x5c\\xc3\\xa9\"");
        }
    }

    @Test
    void walkNamesAreAListOfQuotedNames() {
        assertThat(TraceFormat.format(2, new Twalk(F, G, List.of(P9Name.of("usr"), P9Name.of("lib")))))
                .isEqualTo("Twalk tag 2 fid 3 newfid 4 names [\"usr\" \"lib\"]");
        assertThat(TraceFormat.format(2, new Twalk(F, G, List.of()))).isEqualTo("Twalk tag 2 fid 3 newfid 4 names []");
    }

    @Test
    void dataIsShownAsAByteCount() {
        assertThat(TraceFormat.format(1, new Twrite(F, 10, ByteBuffer.wrap(NASTY))))
                .isEqualTo("Twrite tag 1 fid 3 offset 10 data 8 bytes");
        assertThat(TraceFormat.format(1, new Rread(ByteBuffer.allocate(0)))).isEqualTo("Rread tag 1 data 0 bytes");
        assertThat(TraceFormat.format(
                        1,
                        new Rreaddir(
                                List.of(new Dirent(DIR, 1, Dirent.DT_DIR, P9Name.DOT), new Dirent(FILE, 2, 8, NAME)))))
                .isEqualTo("Rreaddir tag 1 entries 2 entries");
    }

    @Test
    void openFlagsAreSymbolic() {
        assertThat(TraceFormat.format(1, new Tlopen(F, 02304000)))
                .isEqualTo("Tlopen tag 1 fid 3 flags RDONLY|NONBLOCK|LARGEFILE|DIRECTORY|CLOEXEC");
        assertThat(TraceFormat.format(
                        1,
                        new Tlcreate(F, P9Name.of("f"), OpenFlags.RDWR | OpenFlags.CREATE | OpenFlags.TRUNC, 0644, 0)))
                .isEqualTo("Tlcreate tag 1 fid 3 name \"f\" flags RDWR|CREATE|TRUNC mode 0644 gid 0");
        assertThat(TraceFormat.format(1, new Tlopen(F, OpenFlags.WRONLY | 0x80000000)))
                .as("unknown bits are shown, not dropped")
                .isEqualTo("Tlopen tag 1 fid 3 flags WRONLY|020000000000");
    }

    @Test
    void rlerrorNamesTheErrno() {
        assertThat(TraceFormat.format(7, new Rlerror(Errno.ENOENT))).isEqualTo("Rlerror tag 7 ecode 2 (ENOENT)");
        assertThat(TraceFormat.format(7, new Rlerror(Errno.EOPNOTSUPP)))
                .isEqualTo("Rlerror tag 7 ecode 95 (EOPNOTSUPP)");
        assertThat(TraceFormat.format(7, new Rlerror(524))).isEqualTo("Rlerror tag 7 ecode 524 (E524)");
    }

    @Test
    void masksAreHexModesOctalQidsShort() {
        assertThat(TraceFormat.format(1, new Tgetattr(F, GetattrMask.ALL)))
                .isEqualTo("Tgetattr tag 1 fid 3 requestMask 0x3fff");
        assertThat(TraceFormat.format(1, new Tsetattr(F, 0x41, 040000, 0, 0, 0, 0, 0, 0, 0)))
                .startsWith("Tsetattr tag 1 fid 3 valid 0x41 mode 040000 ");
        assertThat(TraceFormat.format(1, new Rwalk(List.of(DIR, FILE))))
                .isEqualTo("Rwalk tag 1 qids [(1a 0 d) (2b 7 f)]");
        assertThat(TraceFormat.format(MiscConstants.NOTAG, new Tversion(8192, P9String.of("9P2000.L"))))
                .isEqualTo("Tversion tag 65535 msize 8192 version \"9P2000.L\"");
        assertThat(TraceFormat.format(1, new Tattach(F, Fid.NOFID, P9String.of(""), P9String.of("x"), 0)))
                .isEqualTo("Tattach tag 1 fid 3 afid NOFID uname \"\" aname \"x\" nUname 0");
    }

    /** Every integer on the wire is unsigned: a u64 offset of 2^64-1 is not -1. */
    @Test
    void unsigned64BitFieldsAreNotShownNegative() {
        assertThat(TraceFormat.format(1, new Tread(F, -1L, -1)))
                .isEqualTo("Tread tag 1 fid 3 offset 18446744073709551615 count 4294967295");
        assertThat(TraceFormat.format(1, new Tlock(F, 1, 0, 0, -1L, 1, P9String.of("h"))))
                .contains("length 18446744073709551615");
    }
}

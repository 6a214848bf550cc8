package io.hvl9p.server.escape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.MalformedMessageException;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.linux.sys.LinuxConstants;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Names holding '/' or NUL, sent as raw frames (P9Name refuses to build them). A server that
 * passed such a name to a system call would act on another file: "d/x" is a path into the
 * subdirectory d, and "x\0z" is "x" to C. The export holds exactly those files (d/x and x) and
 * lacks the ones a create would make (d/new and new), so acting shows either way. The decoder
 * answers ENOENT for a path component that is not a name (as QEMU and Linux do) and EINVAL for a
 * string holding NUL; the server must answer that and do nothing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EscapeBadNameTest extends Sandbox {
    private static final Fid ROOT_FID = Fid.of(1);
    private static final Fid FILE_X = Fid.of(2);
    private static final Fid FILE_Y = Fid.of(3);
    private static final Fid ROOT_CLONE = Fid.of(4);
    private static final Fid UNUSED = Fid.of(5);

    @Override
    void populate() throws Exception {
        Files.createDirectories(export.resolve("d"));
        Files.writeString(export.resolve("d/x"), "d/x\n");
        Files.writeString(export.resolve("x"), "x\n");
        Files.writeString(export.resolve("y"), "y\n");
    }

    /** A request built around a placeholder name (a P9Name) or string (a P9String). */
    @FunctionalInterface
    interface Build {
        TMessage with(String placeholder);
    }

    /** Where the bad byte goes: existing (names a file that exists) or fresh (one a create would make). */
    private static final String EXISTING = "existing";

    private static final String FRESH = "fresh";

    private static P9Name n(String s) {
        return P9Name.of(s);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        String enoent = "a path component with '/' or NUL is not a name: ENOENT (QEMU, Linux)";
        for (char bad : new char[] {'/', '\0'}) {
            List<Object[]> ops = List.of(
                    new Object[] {"Twalk", EXISTING, (Build) p -> new TMessage.Twalk(ROOT_FID, UNUSED, List.of(n(p)))},
                    new Object[] {
                        "Twalk second name",
                        EXISTING,
                        (Build) p -> new TMessage.Twalk(ROOT_FID, UNUSED, List.of(n("d"), n(p)))
                    },
                    new Object[] {
                        "Tlcreate", FRESH, (Build) p -> new TMessage.Tlcreate(ROOT_CLONE, n(p), OpenFlags.RDWR, 0644, 0)
                    },
                    new Object[] {"Tmkdir", FRESH, (Build) p -> new TMessage.Tmkdir(ROOT_FID, n(p), 0755, 0)},
                    new Object[] {
                        "Tmknod",
                        FRESH,
                        (Build) p -> new TMessage.Tmknod(ROOT_FID, n(p), LinuxConstants.S_IFREG | 0644, 0, 0, 0)
                    },
                    new Object[] {
                        "Tsymlink", FRESH, (Build) p -> new TMessage.Tsymlink(ROOT_FID, n(p), P9String.of("x"), 0)
                    },
                    new Object[] {"Tlink", FRESH, (Build) p -> new TMessage.Tlink(ROOT_FID, FILE_X, n(p))},
                    new Object[] {"Trename", FRESH, (Build) p -> new TMessage.Trename(FILE_Y, ROOT_FID, n(p))},
                    new Object[] {
                        "Trenameat oldname",
                        EXISTING,
                        (Build) p -> new TMessage.Trenameat(ROOT_FID, n(p), ROOT_FID, n("moved"))
                    },
                    new Object[] {
                        "Trenameat newname",
                        FRESH,
                        (Build) p -> new TMessage.Trenameat(ROOT_FID, n("y"), ROOT_FID, n(p))
                    },
                    new Object[] {"Tunlinkat", EXISTING, (Build) p -> new TMessage.Tunlinkat(ROOT_FID, n(p), 0)});
            for (Object[] op : ops) {
                out.add(Arguments.of(op[0], label(bad), bad, op[1], op[2], Errno.ENOENT, enoent));
            }
        }
        String einval = "a string holding NUL: EINVAL (no Linux name or path can hold one)";
        out.add(Arguments.of(
                "Txattrwalk",
                "NUL",
                '\0',
                EXISTING,
                (Build) p -> new TMessage.Txattrwalk(ROOT_FID, UNUSED, P9String.of("user." + p)),
                Errno.EINVAL,
                einval));
        out.add(Arguments.of(
                "Txattrcreate",
                "NUL",
                '\0',
                FRESH,
                (Build) p -> new TMessage.Txattrcreate(ROOT_CLONE, P9String.of("user." + p), 1, 0),
                Errno.EINVAL,
                einval));
        out.add(Arguments.of(
                "Tsymlink target",
                "NUL",
                '\0',
                FRESH,
                (Build) p -> new TMessage.Tsymlink(ROOT_FID, n("lnk"), P9String.of(p), 0),
                Errno.EINVAL,
                einval));
        // '/' is a legal byte of an xattr name (not a path): the kernel looks the name up and finds nothing.
        out.add(Arguments.of(
                "Txattrwalk",
                "'/'",
                '/',
                EXISTING,
                (Build) p -> new TMessage.Txattrwalk(ROOT_FID, UNUSED, P9String.of("user." + p)),
                Errno.ENODATA,
                "xattr names may hold '/': the name is looked up as it is, and is absent"));
        return out.stream();
    }

    private static String label(char bad) {
        return bad == '/' ? "'/'" : "NUL";
    }

    /** The placeholder, with Q where the bad byte goes: "dQx"/"xQz" for existing files, "dQnew"/"newQz" for fresh ones. */
    private static String placeholder(char bad, String kind) {
        if (bad == '/') {
            return kind.equals(EXISTING) ? "dQx" : "dQnew";
        }
        return kind.equals(EXISTING) ? "xQz" : "newQz";
    }

    @ParameterizedTest(name = "{0} with {1} in the {3} name")
    @MethodSource("cases")
    void nameWithSlashOrNulIsRefusedAndNothingIsTouched(
            String op, String label, char bad, String kind, Build build, int errno, String why) throws Exception {
        String ph = placeholder(bad, kind);
        byte[] actual = ph.replace('Q', bad).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> before = exportTree();
        try (RawConnection viaSocket = RawConnection.socket(socket);
                RawConnection inProcess = RawConnection.inProcess(server)) {
            for (RawConnection raw : List.of(viaSocket, inProcess)) {
                setUpFids(raw);
                ByteBuffer frame =
                        RawConnection.patch(MessageEncoder.encode(raw.newTag(), build.with(ph)), b(ph), actual);
                if (errno != Errno.ENODATA) {
                    // The decoder alone refuses it, with the errno the server then answers.
                    MalformedMessageException e = catchThrowableOfType(
                            MalformedMessageException.class,
                            () -> MessageDecoder.decodeRequest(frame.duplicate(), RawConnection.MSIZE));
                    assertThat(e).as("decoder refuses %s", op).isNotNull();
                    assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno);
                }
                RMessage r = raw.send(frame);
                assertThat(r).as("%s: %s", op, why).isEqualTo(new RMessage.Rlerror(errno));
                // The session is intact: the next request on the connection works.
                assertThat(raw.call(new TMessage.Tgetattr(ROOT_FID, 0x7ff))).isInstanceOf(RMessage.Rgetattr.class);
                assertThat(raw.call(new TMessage.Tgetattr(UNUSED, 0x7ff))).isEqualTo(new RMessage.Rlerror(Errno.EBADF));
            }
        }
        assertThat(exportTree()).as("the export after %s", op).isEqualTo(before);
        assertAbsent(export.resolve("d/new"));
        assertAbsent(export.resolve("new"));
        assertAbsent(export.resolve("moved"));
        assertThat(Sandbox.xattrs(export.resolve("x"))).isEmpty();
    }

    private static void setUpFids(RawConnection raw) throws IOException {
        assertThat(raw.call(new TMessage.Tattach(ROOT_FID, Fid.NOFID, P9String.EMPTY, P9String.of("a"), ROOT)))
                .isInstanceOf(RMessage.Rattach.class);
        assertThat(raw.call(new TMessage.Twalk(ROOT_FID, FILE_X, List.of(n("x")))))
                .isInstanceOf(RMessage.Rwalk.class);
        assertThat(raw.call(new TMessage.Twalk(ROOT_FID, FILE_Y, List.of(n("y")))))
                .isInstanceOf(RMessage.Rwalk.class);
        assertThat(raw.call(new TMessage.Twalk(ROOT_FID, ROOT_CLONE, List.of())))
                .isInstanceOf(RMessage.Rwalk.class);
    }

    /** Every path in the export with its type and content. */
    private List<String> exportTree() throws IOException {
        try (Stream<Path> s = Files.walk(export)) {
            return s.map(p -> {
                        String rel = export.relativize(p).toString();
                        try {
                            return Files.isRegularFile(p)
                                    ? rel + " = " + Files.readString(p)
                                    : rel + (Files.isSymbolicLink(p) ? " -> " + Files.readSymbolicLink(p) : "/");
                        } catch (IOException e) {
                            return rel + " unreadable " + e;
                        }
                    })
                    .sorted()
                    .toList();
        }
    }
}

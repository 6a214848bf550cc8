package io.hvl9p.server.escape;

import static io.hvl9p.server.escape.Client.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Export boundaries: the two exports lie on one host file system, so the kernel itself would
 * link and rename between them; the server must refuse with EXDEV (what link(2) and rename(2)
 * answer across mounts, and what the Linux client expects). An aname selects an export by its
 * configured name only, never a host path: anything else is ENOENT.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EscapeCrossExportTest extends Sandbox {
    @Override
    void populate() throws Exception {
        Files.writeString(export.resolve("fa"), "in a\n");
        Files.createDirectory(export.resolve("da"));
        Files.writeString(exportB.resolve("fb"), "in b\n");
        Files.createDirectory(exportB.resolve("db"));
    }

    private static final String EXDEV = "links and renames never cross exports, even on one host file system";

    @Test
    void hardLinkFromExportAToAFileOfExportBIsExdev() throws Exception {
        Client c = connect();
        Fid a = c.attach("a", ROOT);
        Fid b = c.attach("b", ROOT);
        Fid fb = c.walk(b, "fb");
        Fid fa = c.walk(a, "fa");
        assertErrno(Errno.EXDEV, EXDEV, () -> c.link(a, fb, "stolen"));
        assertErrno(Errno.EXDEV, EXDEV, () -> c.link(c.walk(a, "da"), fb, "stolen"));
        assertErrno(Errno.EXDEV, EXDEV, () -> c.link(b, fa, "planted"));
        assertAbsent(export.resolve("stolen"));
        assertAbsent(export.resolve("da/stolen"));
        assertAbsent(exportB.resolve("planted"));
        assertThat(stat(exportB.resolve("fb")).get("nlink")).isEqualTo(1);
        assertThat(stat(export.resolve("fa")).get("nlink")).isEqualTo(1);
    }

    @Test
    void renameatFromExportAIntoExportBIsExdev() throws Exception {
        Client c = connect();
        Fid a = c.attach("a", ROOT);
        Fid b = c.attach("b", ROOT);
        assertErrno(Errno.EXDEV, EXDEV, () -> c.renameat(a, "fa", b, "fa"));
        assertErrno(Errno.EXDEV, EXDEV, () -> c.renameat(a, "da", c.walk(b, "db"), "da"));
        assertErrno(Errno.EXDEV, EXDEV, () -> c.renameat(b, "fb", a, "fb"));
        assertErrno(Errno.EXDEV, EXDEV, () -> c.rename(c.walk(a, "fa"), b, "fa"));
        assertErrno(Errno.EXDEV, EXDEV, () -> c.rename(c.walk(b, "db"), a, "db"));
        assertThat(export.resolve("fa")).hasContent("in a");
        assertThat(export.resolve("da")).isDirectory();
        assertThat(exportB.resolve("fb")).hasContent("in b");
        assertThat(exportB.resolve("db")).isDirectory();
        assertAbsent(exportB.resolve("fa"));
        assertAbsent(exportB.resolve("db/da"));
        assertAbsent(export.resolve("fb"));
        assertAbsent(export.resolve("db"));
    }

    @Test
    void sameExportTwiceOnOneConnectionStillLinks() throws Exception {
        // The control: two attaches of one export are not two exports.
        Client c = connect();
        Fid a1 = c.attach("a", ROOT);
        Fid a2 = c.attach("a", ROOT);
        c.link(a1, c.walk(a2, "fa"), "fa2");
        assertThat(stat(export.resolve("fa")).get("nlink")).isEqualTo(2);
        c.renameat(a2, "fa2", a1, "fa3");
        assertThat(export.resolve("fa3")).hasContent("in a");
    }

    static List<String> hostPathAnames() {
        return List.of("/", "", ".", "..", "../outside", "a/../b", "a/", "./a", "A", "export", "outside", "a b");
    }

    @ParameterizedTest(name = "aname \"{0}\"")
    @MethodSource("hostPathAnames")
    void anameThatIsAHostPathIsEnoent(String aname) throws Exception {
        Client c = connect();
        assertErrno(Errno.ENOENT, "an aname names an export, never a host path", () -> c.attach(aname, ROOT));
        assertErrno(Errno.ENOENT, "also for an unprivileged attach", () -> c.attach(aname, USER));
    }

    @Test
    void anameThatIsTheExportsOwnHostPathIsEnoent() throws Exception {
        Client c = connect();
        for (var p : List.of(export, exportB, outside, sandbox, canary, canaryDir)) {
            String path = p.toString();
            assertErrno(Errno.ENOENT, "the real path " + path, () -> c.attach(path, ROOT));
            assertErrno(Errno.ENOENT, "the path without its first /", () -> c.attach(path.substring(1), ROOT));
        }
        assertErrno(Errno.ENOENT, "a path through the export", () -> c.attach(export + "/../outside", ROOT));
    }
}

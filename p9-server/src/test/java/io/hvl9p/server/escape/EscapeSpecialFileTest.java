package io.hvl9p.server.escape;

import static io.hvl9p.server.escape.Client.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.server.linux.sys.LinuxConstants;
import io.hvl9p.server.linux.sys.Sys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Device nodes and FIFOs. The export is configured without device nodes, so Tmknod of one is
 * EPERM (mknod(2)'s answer without the privilege). A device or FIFO the host put into the export
 * is never opened: lopen is EPERM before any open(2), so neither a device driver's open nor a
 * FIFO's wait for a writer can happen; its attributes can still be read. The server has one
 * worker, so a request that blocked would make the next one time out.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EscapeSpecialFileTest extends Sandbox {
    private static final String NEVER_OPENED = "special files are never opened by this server: EPERM";

    @Override
    void populate() throws Exception {
        mknod(export.resolve("null"), LinuxConstants.S_IFCHR | 0666, 1, 3); // like /dev/null
        mknod(export.resolve("fifo"), LinuxConstants.S_IFIFO | 0666, 0, 0);
        Files.createSymbolicLink(export.resolve("lnk"), canary);
    }

    private Client c;
    private Fid root;

    private void attachAsRoot() throws Exception {
        c = connect();
        root = c.attach("a", ROOT);
    }

    /** The server answers at once: its one worker is not stuck in an open. */
    private void assertServerAnswersPromptly() throws Exception {
        long t0 = System.nanoTime();
        assertThat(c.getattr(root).qid().type()).isEqualTo(Qid.QTDIR);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2000);
    }

    @Test
    void mknodOfCharacterDeviceIsEperm() throws Exception {
        attachAsRoot();
        String why = "device nodes are not allowed in this export, even to root";
        assertErrno(Errno.EPERM, why, () -> c.mknod(root, "mem", LinuxConstants.S_IFCHR | 0666, 1, 1, 0));
        assertErrno(Errno.EPERM, why, () -> c.mknod(root, "tty", LinuxConstants.S_IFCHR | 0666, 5, 0, 0));
        assertAbsent(export.resolve("mem"));
        assertAbsent(export.resolve("tty"));
    }

    @Test
    void mknodOfBlockDeviceIsEperm() throws Exception {
        attachAsRoot();
        String why = "device nodes are not allowed in this export, even to root";
        assertErrno(Errno.EPERM, why, () -> c.mknod(root, "disk", LinuxConstants.S_IFBLK | 0660, 253, 0, 0));
        assertErrno(Errno.EPERM, why, () -> c.mknod(root, "loop", LinuxConstants.S_IFBLK | 0660, 7, 0, 0));
        assertAbsent(export.resolve("disk"));
        assertAbsent(export.resolve("loop"));
    }

    @Test
    void deviceNodePlacedByTheHostIsNeverOpenedButGetattrWorks() throws Exception {
        attachAsRoot();
        Fid dev = c.walk(root, "null");
        RMessage.Rgetattr a = c.getattr(dev);
        assertThat(a.mode() & LinuxConstants.S_IFMT).isEqualTo(LinuxConstants.S_IFCHR);
        assertThat(a.rdev()).isEqualTo(Sys.makedev(1, 3));
        for (int flags :
                new int[] {OpenFlags.RDONLY, OpenFlags.WRONLY, OpenFlags.RDWR, OpenFlags.RDONLY | OpenFlags.NONBLOCK}) {
            Fid d = c.clone(dev);
            assertErrno(Errno.EPERM, NEVER_OPENED, () -> c.lopen(d, flags));
            assertThat(openedForIo(export.resolve("null")))
                    .as("descriptors opened on the device")
                    .isEmpty();
        }
        assertServerAnswersPromptly();
    }

    @Test
    void fifoInTheExportIsNeverOpenedAndDoesNotBlockTheServer() throws Exception {
        attachAsRoot();
        Fid fifo = c.walk(root, "fifo");
        assertThat(c.getattr(fifo).mode() & LinuxConstants.S_IFMT).isEqualTo(LinuxConstants.S_IFIFO);
        // open(2) of a FIFO for reading waits for a writer (and for writing, for a reader).
        for (int flags :
                new int[] {OpenFlags.RDONLY, OpenFlags.WRONLY, OpenFlags.RDWR, OpenFlags.RDONLY | OpenFlags.NONBLOCK}) {
            Fid ff = c.clone(fifo);
            assertErrno(Errno.EPERM, NEVER_OPENED + " (a FIFO would block the worker)", () -> c.lopen(ff, flags));
            assertServerAnswersPromptly();
        }
        assertThat(openedForIo(export.resolve("fifo"))).isEmpty();
    }

    @Test
    void fifoMadeByTheClientIsNotOpenedEither() throws Exception {
        attachAsRoot();
        c.mknod(root, "myfifo", LinuxConstants.S_IFIFO | 0644, 0, 0, 0);
        assertThat(mode(export.resolve("myfifo")) & LinuxConstants.S_IFMT).isEqualTo(LinuxConstants.S_IFIFO);
        Fid ff = c.walk(root, "myfifo");
        assertErrno(Errno.EPERM, NEVER_OPENED, () -> c.lopen(ff, OpenFlags.RDONLY));
        assertServerAnswersPromptly();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fifo", "null"})
    void lcreateWithoutExclOnAnExistingFifoOrDeviceDoesNotOpenIt(String name) throws Exception {
        attachAsRoot();
        Path host = export.resolve(name);
        for (int flags : new int[] {
            OpenFlags.RDONLY, OpenFlags.WRONLY | OpenFlags.CREATE, OpenFlags.RDWR | OpenFlags.CREATE | OpenFlags.TRUNC
        }) {
            assertErrno(
                    Errno.EPERM,
                    "the name exists (O_CREAT|O_EXCL fails) and the existing node, special, is not opened",
                    () -> c.lcreate(c.clone(root), name, flags, 0644, 0));
            assertThat(openedForIo(host)).isEmpty();
            assertServerAnswersPromptly();
        }
        assertErrno(
                Errno.EEXIST,
                "O_EXCL asked: the name exists",
                () -> c.lcreate(c.clone(root), name, OpenFlags.RDWR | OpenFlags.CREATE | OpenFlags.EXCL, 0644, 0));
        assertThat(mode(host) & LinuxConstants.S_IFMT)
                .isEqualTo(name.equals("fifo") ? LinuxConstants.S_IFIFO : LinuxConstants.S_IFCHR);
    }

    @Test
    void lcreateWithoutExclOnAnExistingSymlinkDoesNotOpenIt() throws Exception {
        attachAsRoot();
        assertErrno(
                Errno.ELOOP,
                "the name exists and is a symlink: not followed, not opened (open(2) with O_NOFOLLOW)",
                () -> c.lcreate(c.clone(root), "lnk", OpenFlags.WRONLY | OpenFlags.TRUNC, 0644, 0));
        assertThat(Files.readString(canary)).isEqualTo(CANARY_TEXT);
        assertServerAnswersPromptly();
    }
}

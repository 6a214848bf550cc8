package io.hvl9p.server.contract;

import static io.hvl9p.protocol.LockConstants.FLAG_BLOCK;
import static io.hvl9p.protocol.LockConstants.STATUS_BLOCKED;
import static io.hvl9p.protocol.LockConstants.STATUS_SUCCESS;
import static io.hvl9p.protocol.LockConstants.TYPE_RDLCK;
import static io.hvl9p.protocol.LockConstants.TYPE_UNLCK;
import static io.hvl9p.protocol.LockConstants.TYPE_WRLCK;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.LockConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tlock and Tgetlock: byte-range locks held on the host, so that they conflict between fids,
 * between connections and with the host's own locks; a conflict is BLOCKED at once, never a
 * wait; the holder's clunk releases its locks.
 */
class LockContractTest extends ContractTest {
    private Path file;
    private TestClient d;
    private Fid a;
    private Fid b;
    private Fid other;

    @BeforeEach
    void openers() throws IOException {
        file = Files.write(host("f"), new byte[1000]);
        a = c.open("f", OpenFlags.RDWR);
        b = c.open("f", OpenFlags.RDWR);
        d = fx.client();
        other = d.open("f", OpenFlags.RDWR);
    }

    private static int lock(TestClient cl, Fid f, int type, int flags, long start, long length) {
        return cl.call(
                        new TMessage.Tlock(f, type, flags, start, length, 4242, P9String.of("contract")),
                        RMessage.Rlock.class)
                .status();
    }

    private static RMessage.Rgetlock getlock(TestClient cl, Fid f, int type, long start, long length) {
        return cl.call(
                new TMessage.Tgetlock(f, type, start, length, 4242, P9String.of("contract")), RMessage.Rgetlock.class);
    }

    private static void assertStatus(int status, int expected) {
        assertThat(LockConstants.statusName(status)).isEqualTo(LockConstants.statusName(expected));
    }

    /** The host's open-file-description locks on the file, as "WRITE 0 99" (from /proc/locks). */
    private List<String> hostLocks() throws IOException {
        String ino = ":" + Host.ino(file);
        return Files.readAllLines(Path.of("/proc/locks")).stream()
                .map(l -> l.trim().split("\\s+"))
                .filter(w -> w.length >= 8 && w[1].equals("OFDLCK") && w[5].endsWith(ino))
                .map(w -> w[3] + " " + w[6] + " " + w[7])
                .sorted()
                .toList();
    }

    @Test
    void aConflictingLockIsBlockedAtOnceFromAnotherFidAndAnotherConnection() throws IOException {
        assertStatus(lock(c, a, TYPE_WRLCK, 0, 0, 100), STATUS_SUCCESS);
        assertThat(hostLocks()).containsExactly("WRITE 0 99");
        // Without FLAG_BLOCK the server answers BLOCKED at once (F_SETLK: the client says EAGAIN).
        assertStatus(lock(c, b, TYPE_WRLCK, 0, 50, 10), STATUS_BLOCKED);
        assertStatus(lock(d, other, TYPE_WRLCK, 0, 99, 1), STATUS_BLOCKED);
        assertStatus(lock(d, other, TYPE_RDLCK, 0, 0, 1), STATUS_BLOCKED);
        assertStatus(lock(c, b, TYPE_WRLCK, 0, 100, 10), STATUS_SUCCESS);
        assertThat(hostLocks()).containsExactly("WRITE 0 99", "WRITE 100 109");
        // The holder may change its own lock.
        assertStatus(lock(c, a, TYPE_RDLCK, 0, 0, 100), STATUS_SUCCESS);
        assertStatus(lock(d, other, TYPE_RDLCK, 0, 0, 100), STATUS_SUCCESS);
        assertThat(hostLocks()).containsExactly("READ 0 99", "READ 0 99", "WRITE 100 109");
    }

    /**
     * With FLAG_BLOCK (F_SETLKW) the server waits for the holder itself: after BLOCKED the Linux
     * client sleeps 30 s before it asks again, so a waiter would get a lock released at once only
     * 30 s later (regression: locks.sh fcntl-blocking-waits took 31 s).
     */
    @Test
    void aBlockingLockIsGrantedWhenTheHolderUnlocks() throws Exception {
        assertStatus(lock(c, a, TYPE_WRLCK, 0, 0, 100), STATUS_SUCCESS);
        var waiter = d.send(new TMessage.Tlock(other, TYPE_WRLCK, FLAG_BLOCK, 10, 10, 4242, P9String.of("contract")));
        assertStatus(lock(c, b, TYPE_RDLCK, 0, 200, 1), STATUS_SUCCESS); // the server still answers others
        assertThat(waiter).as("granted while the conflicting lock is held").isNotDone();
        assertStatus(lock(c, a, TYPE_UNLCK, 0, 0, 100), STATUS_SUCCESS);
        RMessage r = waiter.get(10, java.util.concurrent.TimeUnit.SECONDS).message();
        assertThat(r).isInstanceOf(RMessage.Rlock.class);
        assertStatus(((RMessage.Rlock) r).status(), STATUS_SUCCESS);
        assertThat(hostLocks()).containsExactly("READ 200 200", "WRITE 10 19");
    }

    @Test
    void theHostsOwnLocksConflictBothWays() throws IOException {
        assertStatus(lock(c, a, TYPE_WRLCK, 0, 0, 10), STATUS_SUCCESS);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThat(ch.tryLock(5, 1, false))
                    .as("host lock over the server's")
                    .isNull();
            try (FileLock l = ch.tryLock(500, 10, false)) {
                assertThat(l).isNotNull();
                assertStatus(lock(c, b, TYPE_WRLCK, 0, 505, 1), STATUS_BLOCKED);
            }
            assertStatus(lock(c, b, TYPE_WRLCK, 0, 505, 1), STATUS_SUCCESS);
        }
    }

    @Test
    void getlockReportsTheConflictingRangeAndType() {
        RMessage.Rgetlock none = getlock(c, b, TYPE_WRLCK, 0, 0);
        assertThat(none.lockType()).isEqualTo(TYPE_UNLCK);

        assertStatus(lock(c, a, TYPE_WRLCK, 0, 10, 20), STATUS_SUCCESS);
        for (TestClient cl : new TestClient[] {c, d}) {
            RMessage.Rgetlock r = getlock(cl, cl == c ? b : other, TYPE_RDLCK, 0, 0);
            assertThat(r.lockType()).isEqualTo(TYPE_WRLCK);
            assertThat(r.start()).isEqualTo(10);
            assertThat(r.length()).isEqualTo(20);
        }
        assertThat(getlock(c, b, TYPE_WRLCK, 30, 5).lockType())
                .as("past the lock")
                .isEqualTo(TYPE_UNLCK);
        assertThat(getlock(c, a, TYPE_WRLCK, 0, 0).lockType()).as("own lock").isEqualTo(TYPE_UNLCK);

        assertStatus(lock(c, a, TYPE_RDLCK, 0, 10, 20), STATUS_SUCCESS);
        assertThat(getlock(c, b, TYPE_RDLCK, 0, 0).lockType()).as("reads share").isEqualTo(TYPE_UNLCK);
        assertThat(getlock(c, b, TYPE_WRLCK, 0, 0).lockType()).isEqualTo(TYPE_RDLCK);
    }

    @Test
    void anUnlockLetsTheOtherIn() {
        assertStatus(lock(c, a, TYPE_WRLCK, 0, 0, 100), STATUS_SUCCESS);
        assertStatus(lock(c, a, TYPE_UNLCK, 0, 0, 50), STATUS_SUCCESS);
        assertStatus(lock(d, other, TYPE_WRLCK, 0, 0, 50), STATUS_SUCCESS);
        assertStatus(lock(d, other, TYPE_WRLCK, 0, 50, 1), STATUS_BLOCKED);
        assertStatus(lock(c, a, TYPE_UNLCK, 0, 0, 0), STATUS_SUCCESS);
        assertStatus(lock(d, other, TYPE_WRLCK, 0, 50, 1), STATUS_SUCCESS);
    }

    @Test
    void theHoldersClunkReleasesItsLocks() throws IOException {
        assertStatus(lock(c, a, TYPE_WRLCK, 0, 0, 0), STATUS_SUCCESS);
        assertStatus(lock(d, other, TYPE_WRLCK, 0, 0, 1), STATUS_BLOCKED);
        c.clunk(a);
        assertThat(hostLocks()).isEmpty();
        assertStatus(lock(d, other, TYPE_WRLCK, 0, 0, 1), STATUS_SUCCESS);
        // A clone of an opened fid is not opened and holds nothing: clunking it releases nothing.
        Fid clone = d.walk(other, "");
        d.clunk(clone);
        assertStatus(lock(c, b, TYPE_WRLCK, 0, 0, 1), STATUS_BLOCKED);
    }

    @Test
    void lengthZeroMeansToTheEndOfTheFile() throws IOException {
        assertStatus(lock(c, a, TYPE_WRLCK, 0, 100, 0), STATUS_SUCCESS);
        assertThat(hostLocks()).containsExactly("WRITE 100 EOF");
        assertStatus(lock(c, b, TYPE_WRLCK, 0, 1L << 40, 1), STATUS_BLOCKED);
        assertStatus(lock(c, b, TYPE_WRLCK, 0, 0, 100), STATUS_SUCCESS);
        RMessage.Rgetlock r = getlock(d, other, TYPE_WRLCK, 5000, 1);
        assertThat(r.lockType()).isEqualTo(TYPE_WRLCK);
        assertThat(r.start()).isEqualTo(100);
        assertThat(r.length()).isZero();
    }

    @Test
    void locksNeedAnOpenedFidAndAValidType() {
        Fid walked = c.walk("f");
        c.expectErrno(Errno.EBADF, new TMessage.Tlock(walked, TYPE_WRLCK, 0, 0, 0, 1, P9String.EMPTY));
        c.expectErrno(Errno.EBADF, new TMessage.Tgetlock(walked, TYPE_WRLCK, 0, 0, 1, P9String.EMPTY));
        c.expectErrno(Errno.EINVAL, new TMessage.Tlock(a, 3, 0, 0, 0, 1, P9String.EMPTY));
        c.expectErrno(Errno.EINVAL, new TMessage.Tgetlock(a, 7, 0, 0, 1, P9String.EMPTY));
        Fid readOnly = c.open("f", OpenFlags.RDONLY);
        assertStatus(lock(c, readOnly, TYPE_RDLCK, 0, 0, 1), STATUS_SUCCESS);
        c.expectErrno(Errno.EBADF, new TMessage.Tlock(readOnly, TYPE_WRLCK, 0, 0, 1, 1, P9String.EMPTY));
    }
}

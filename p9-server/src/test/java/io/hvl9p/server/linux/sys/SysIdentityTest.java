package io.hvl9p.server.linux.sys;

import static io.hvl9p.server.linux.sys.HostFlags.*;
import static io.hvl9p.server.linux.sys.LinuxConstants.*;
import static io.hvl9p.server.linux.sys.TestSupport.assertErrno;
import static io.hvl9p.server.linux.sys.TestSupport.b;
import static io.hvl9p.server.linux.sys.TestSupport.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hvl9p.protocol.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Per-thread credentials and the user database. Needs root, as the server does. */
@ExtendWith(FdLeakCheck.class)
class SysIdentityTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needRoot() {
        assumeTrue(Sys.geteuid() == 0, "needs root (CAP_SETUID, CAP_SETGID)");
    }

    /** Runs {@code body} on a fresh platform thread, rethrowing what it throws. */
    private static <T> T onThread(java.util.concurrent.Callable<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join(TimeUnit.SECONDS.toMillis(30));
        if (failure.get() instanceof Exception e) throw e;
        if (failure.get() instanceof Error e) throw e;
        return result.get();
    }

    private static String threadStatus(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
            if (line.startsWith(field + ":"))
                return line.substring(field.length() + 1).strip();
        }
        throw new AssertionError(field);
    }

    @Test
    void effectiveIdsMatchId() throws Exception {
        assertThat(Sys.geteuid()).isEqualTo(Integer.parseInt(sh("id", "-u")));
        assertThat(Sys.getegid()).isEqualTo(Integer.parseInt(sh("id", "-g")));
    }

    @Test
    void setfsuidIsPerThread() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        CountDownLatch switched = new CountDownLatch(1);
        CountDownLatch rootCreated = new CountDownLatch(1);

        CompletableFuture<Void> root = CompletableFuture.runAsync(
                () -> {
                    try {
                        assertThat(switched.await(30, TimeUnit.SECONDS)).isTrue();
                        Sys.close(Sys.openat(AT_FDCWD, b(shared.resolve("by-root")), O_CREAT | O_WRONLY, 0644));
                        rootCreated.countDown();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                },
                r -> Thread.ofPlatform().start(r));

        int[] prev = onThread(() -> {
            int u = Sys.setfsuid(1234);
            int g = Sys.setfsgid(5678);
            try {
                assertThat(Sys.setfsuid(-1)).isEqualTo(1234);
                assertThat(Sys.setfsgid(-1)).isEqualTo(5678);
                assertThat(threadStatus("Uid").split("\\s+")[3]).isEqualTo("1234"); // real eff saved fs
                switched.countDown();
                assertThat(rootCreated.await(30, TimeUnit.SECONDS)).isTrue();
                Sys.close(Sys.openat(AT_FDCWD, b(shared.resolve("by-user")), O_CREAT | O_WRONLY, 0644));
                // fsuid 1234 has lost CAP_CHOWN and CAP_DAC_OVERRIDE
                assertErrno(Errno.EPERM, () -> Sys.fchownat(AT_FDCWD, b(shared.resolve("by-user")), 0, 0, 0));
                assertErrno(Errno.EACCES, () -> Sys.openat(AT_FDCWD, b(dir), O_RDWR | O_TMPFILE, 0600));
            } finally {
                assertThat(Sys.setfsuidChecked(0)).isTrue();
                assertThat(Sys.setfsgidChecked(0)).isTrue();
            }
            assertThat(threadStatus("Uid").split("\\s+")[3]).isEqualTo("0");
            return new int[] {u, g};
        });
        root.get(30, TimeUnit.SECONDS);

        assertThat(prev).containsExactly(0, 0);
        assertThat(Files.getAttribute(shared.resolve("by-user"), "unix:uid")).isEqualTo(1234);
        assertThat(Files.getAttribute(shared.resolve("by-user"), "unix:gid")).isEqualTo(5678);
        assertThat(Files.getAttribute(shared.resolve("by-root"), "unix:uid")).isEqualTo(0);
        assertThat(Files.getAttribute(shared.resolve("by-root"), "unix:gid")).isEqualTo(0);
        assertThat(Sys.setfsuid(-1)).isZero(); // this thread never changed
        assertThat(Sys.setfsgid(-1)).isZero();
    }

    @Test
    void setfsuidCheckedReportsARefusedId() throws Exception {
        assertThat(onThread(() -> Sys.setfsuidChecked(-1))).isFalse();
        assertThat(onThread(() -> Sys.setfsgidChecked(-1))).isFalse();
        assertThat(onThread(() -> {
                    boolean ok = Sys.setfsuidChecked(4321);
                    Sys.setfsuid(0);
                    return ok;
                }))
                .isTrue();
    }

    @Test
    void procFdPathsStillWorkAfterSetfsuid() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        int opath = Sys.openat(AT_FDCWD, b(f), O_PATH, 0);
        try {
            int reopened = onThread(() -> {
                Sys.setfsuid(1234);
                try {
                    // dir is 0700 root: the name is out of reach, the /proc magic link is not
                    assertErrno(Errno.EACCES, () -> Sys.openat(AT_FDCWD, b(f), O_RDONLY, 0));
                    assertErrno(Errno.ENODATA, () -> Sys.getxattr(Sys.procFdPath(opath), b("user.x"), null));
                    return Sys.openat(AT_FDCWD, Sys.procFdPath(opath), O_RDONLY | O_CLOEXEC, 0);
                } finally {
                    Sys.setfsuid(0);
                }
            });
            assertThat(Sys.statx(reopened, new byte[0], AT_EMPTY_PATH, STATX_INO)
                            .ino())
                    .isEqualTo(Files.getAttribute(f, "unix:ino"));
            Sys.close(reopened);
        } finally {
            Sys.close(opath);
        }
    }

    @Test
    void setgroupsThreadChangesOnlyTheCallingThread() throws Exception {
        String mine = threadStatus("Groups");
        Path f = Files.writeString(dir.resolve("group-only"), "g");
        Sys.fchownat(AT_FDCWD, b(f), 0, 222, 0);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---r-----"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));

        String[] seen = onThread(() -> {
            Sys.setgroupsThread(new int[] {111, 222});
            String groups = threadStatus("Groups");
            Sys.setfsuid(1234);
            try {
                Sys.close(Sys.openat(AT_FDCWD, b(f), O_RDONLY, 0)); // allowed by group 222
                Sys.setgroupsThread(new int[] {111});
                assertErrno(Errno.EACCES, () -> Sys.openat(AT_FDCWD, b(f), O_RDONLY, 0));
            } finally {
                Sys.setfsuid(0);
            }
            Sys.setgroupsThread(new int[0]);
            return new String[] {groups, threadStatus("Groups")};
        });
        assertThat(seen[0]).isEqualTo("111 222");
        assertThat(seen[1]).isEmpty();
        assertThat(threadStatus("Groups")).isEqualTo(mine);
    }

    @Test
    void credentialCallsRefuseVirtualThreads() throws Exception {
        AtomicReference<Throwable> t = new AtomicReference<>();
        Thread.ofVirtual()
                .start(() -> {
                    try {
                        Sys.setfsuid(1234);
                    } catch (Throwable e) {
                        t.set(e);
                    }
                })
                .join();
        assertThat(t.get()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> onThread(() -> {
                    AtomicReference<Throwable> inner = new AtomicReference<>();
                    Thread.ofVirtual()
                            .start(() -> {
                                try {
                                    Sys.setgroupsThread(new int[] {1});
                                } catch (Throwable e) {
                                    inner.set(e);
                                }
                            })
                            .join();
                    throw (Exception) inner.get();
                }))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void userDatabaseMatchesGetent() throws Exception {
        String[] root = sh("getent", "passwd", "root").split(":");
        Optional<Passwd> byName = Sys.getpwnam(b("root"));
        assertThat(byName).isPresent();
        assertThat(byName.get().name()).isEqualTo(b(root[0]));
        assertThat(byName.get().uid()).isEqualTo(Integer.parseInt(root[2]));
        assertThat(byName.get().gid()).isEqualTo(Integer.parseInt(root[3]));
        assertThat(Sys.getpwuid(0)).isEqualTo(byName);

        String[] nobody = sh("getent", "passwd", "nobody").split(":");
        Passwd n = Sys.getpwnam(b("nobody")).orElseThrow();
        assertThat(n.uid()).isEqualTo(Integer.parseInt(nobody[2]));
        assertThat(Sys.getpwuid(n.uid()).orElseThrow().name()).isEqualTo(b("nobody"));
        assertThat(n.toString()).contains("nobody");

        assertThat(Sys.getpwnam(b("no-such-user-hvl9p"))).isEmpty();
        assertThat(Sys.getpwuid(1_999_999_999)).isEmpty();
        assertErrno(Errno.EINVAL, () -> Sys.getpwnam(b("ro\0ot")));
    }

    @Test
    void getgrouplistMatchesIdG() throws Exception {
        int[] groups = Sys.getgrouplist(b("root"), 0);
        int[] expected = Arrays.stream(sh("id", "-G", "root").split(" "))
                .mapToInt(Integer::parseInt)
                .toArray();
        assertThat(groups).containsExactlyInAnyOrder(expected);
        assertThat(Sys.getgrouplist(b("root"), 4242)).contains(4242);
        assertThat(Sys.getgrouplist(b("no-such-user-hvl9p"), 77)).containsExactly(77);
    }
}

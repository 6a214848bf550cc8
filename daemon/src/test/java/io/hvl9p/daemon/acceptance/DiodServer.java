package io.hvl9p.daemon.acceptance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * diod (Debian package {@code diod}) as the server under test: the reference the acceptance tests
 * were checked against. {@code diod -f -n -N -l 127.0.0.1:PORT -l SOCKET -e DIR}: foreground, no
 * authentication, no user database; without a user database diod refuses the kernel's first
 * attach as "nobody", hence the mount option {@code uname=root}. The aname is the export path;
 * {@code -o ro} makes the export read-only.
 */
final class DiodServer implements ServerUnderTest {
    /**
     * Cases diod 1.0.24 fails, all server issues (see the header of each script): its fids are
     * path names that go stale when a parent directory is renamed, its POSIX locks are whole-file
     * flock(2) locks, and it refuses a Tgetlock of type F_UNLCK. A listed case may also pass (with
     * cache=loose whether the kernel reuses an old fid depends on what is still cached).
     */
    private static final Map<String, Set<String>> KNOWN = Map.of(
            "smoke.sh/loose", Set.of("rename-dir", "rename-over-existing"),
            "locks.sh/none", Set.of("fcntl-getlk-unlocked", "fcntl-ranges"),
            "rename-open.sh/none", Set.of("reopen-after-parent-rename", "stat-after-parent-rename", "dir-fd-renamed"),
            "rename-open.sh/loose",
                    Set.of(
                            "write-renamed-parent",
                            "read-after-parent-rename",
                            "reopen-after-parent-rename",
                            "stat-after-parent-rename",
                            "dir-fd-renamed"));

    @Override
    public String name() {
        return "diod";
    }

    @Override
    public RunningServer start(Path exportDir, boolean readOnly) throws IOException, InterruptedException {
        Path diod = Host.program("diod").orElseThrow(() -> new IOException("diod not found"));
        Path dir = Files.createTempDirectory("hvl9p-diod-");
        Path socket = dir.resolve("diod.sock");
        Path log = dir.resolve("diod.log");
        int port = Host.freePort();
        List<String> cmd = new ArrayList<>(List.of(
                diod.toString(),
                "-f",
                "-n",
                "-N",
                "-L",
                "stderr",
                "-l",
                "127.0.0.1:" + port,
                "-l",
                socket.toString(),
                "-e",
                exportDir.toString()));
        if (readOnly) {
            cmd.addAll(List.of("-o", "ro"));
        }
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        RunningServer server = new RunningServer("diod", p, port, socket, exportDir.toString(), "uname=root", log, dir);
        server.awaitListening(Duration.ofSeconds(10));
        return server;
    }

    @Override
    public Set<String> knownFailures(String script, String cache) {
        return KNOWN.getOrDefault(script + "/" + cache, Set.of());
    }
}

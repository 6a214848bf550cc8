package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hvl9p.protocol.Dirent;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An export that spans two file systems: a tmpfs mounted on a sub-directory, whose inode numbers
 * (1, 2, 3, ...) collide with nothing on ext4 but with each other's across mounts. qid.path must
 * stay unique (Linux ≥ 6.8 keys its inodes by qid.path alone; QEMU warns about exactly this
 * "multidevs" case). Needs the right to mount (root in the initial namespace); skipped otherwise.
 */
class MultiDeviceContractTest extends ContractTest {
    private Path mounted;

    private static boolean run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            run("umount", "-l", mounted.toString());
        }
    }

    @Test
    void qidPathsStayUniqueAcrossFileSystemsInOneExport() throws Exception {
        Path a = Files.createDirectories(host("a"));
        Path b = Files.createDirectories(host("b"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "none", a.toString()), "cannot mount tmpfs here");
        mounted = a;
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "none", b.toString()), "cannot mount tmpfs here");
        Path second = b;
        try {
            for (Path d : List.of(a, b)) {
                for (int i = 0; i < 5; i++) {
                    Files.writeString(d.resolve("f" + i), "x");
                }
            }
            // The two tmpfs hand out the same inode numbers: the collision is real.
            assertThat(Files.getAttribute(a.resolve("f0"), "unix:ino"))
                    .isEqualTo(Files.getAttribute(b.resolve("f0"), "unix:ino"));
            Set<Long> paths = new HashSet<>();
            for (String dir : List.of("a", "b")) {
                for (int i = 0; i < 5; i++) {
                    Fid f = c.walk(dir + "/f" + i);
                    assertThat(paths.add(c.getattr(f).qid().path()))
                            .as("qid.path of %s/f%d is new", dir, i)
                            .isTrue();
                    c.clunk(f);
                }
            }
            // Stable: walking again gives the same paths; readdir agrees with walk.
            Fid again = c.walk("b/f3");
            long p3 = c.getattr(again).qid().path();
            c.clunk(again);
            assertThat(paths).contains(p3);
            Fid dir = c.open("b", OpenFlags.RDONLY);
            List<Dirent> listed = c.readdirAll(dir, 8192);
            c.clunk(dir);
            assertThat(listed.stream()
                            .filter(d -> TestClient.name(d).equals("f3"))
                            .map(d -> d.qid().path()))
                    .containsExactly(p3);
        } finally {
            run("umount", "-l", second.toString());
        }
    }
}

package io.hvl9p.transport.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shutdown hook, in a child JVM: exit and SIGTERM leave no pool behind; SIGKILL does, explainably. */
class PoolShutdownTest {
    private final String name = "hvl9p-test-" + UUID.randomUUID();
    private final Path file = Pool.SHM_DIR.resolve(name);

    @AfterEach
    void cleanUp() throws IOException {
        Files.deleteIfExists(file);
    }

    private Process start(String mode) throws IOException {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        PoolChild.class.getName(),
                        name,
                        mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        return p;
    }

    private static int waitFor(Process p) throws InterruptedException {
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("child exits").isTrue();
        return p.exitValue();
    }

    @Test
    void exitWithoutCloseLeavesNoPool() throws Exception {
        Process p = start("exit");
        assertThat(waitFor(p)).isZero();
        assertThat(file).doesNotExist();
    }

    @Test
    void sigtermLeavesNoPool() throws Exception {
        Process p = start("wait");
        assertThat(file).exists();
        p.destroy(); // SIGTERM, handled like Ctrl-C's SIGINT
        assertThat(waitFor(p)).isNotEqualTo(3);
        assertThat(file).doesNotExist();
    }

    @Test
    void sigkillLeavesAStalePoolThatIsExplainedAndReplaceable() throws Exception {
        Process p = start("wait");
        p.destroyForcibly(); // SIGKILL: no hook runs
        waitFor(p);
        assertThat(file).exists();
        assertThatThrownBy(() -> Pool.shm(name, 4096, 0x3700_0000L))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("4096 bytes")
                .hasMessageContaining("rm " + file);
        try (Pool pool = Pool.shm(name, 4096, 0x3700_0000L, true)) {
            assertThat(pool.memory().readU32(0x3700_0000L)).isZero();
        }
        assertThat(file).doesNotExist();
    }
}

package io.hvl9p.transport.doorbell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The back-end here, the front-end ({@link DoorbellChild}) in another JVM: a kick and an interrupt cross. */
class FifoTwoProcessTest {
    @TempDir
    Path dir;

    @Test
    void aKickAndAnInterruptCrossBetweenProcesses() throws Exception {
        Path base = dir.resolve("rt1");
        try (FifoDoorbell back = FifoDoorbell.create(base)) {
            String java = ProcessHandle.current()
                    .info()
                    .command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString());
            Process child = new ProcessBuilder(
                            java,
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            System.getProperty("java.class.path"),
                            DoorbellChild.class.getName(),
                            base.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try {
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("ready");
                assertThat(back.awaitKick(TimeUnit.SECONDS.toNanos(30)))
                        .as("the child's kick")
                        .isTrue();
                back.interrupt();
                assertThat(out.readLine()).isEqualTo("interrupted");
                assertThat(child.waitFor(30, TimeUnit.SECONDS))
                        .as("child exits")
                        .isTrue();
                assertThat(child.exitValue()).isZero();
            } finally {
                child.destroyForcibly();
            }
        }
    }
}

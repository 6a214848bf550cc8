package io.hvl9p.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Test helpers: waiting for a condition with a deadline (never a fixed sleep), and child-process checks. */
public final class Await {
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private Await() {}

    /** Polls {@code condition} until it holds; fails naming {@code what} and {@code state} after {@link #DEADLINE}. */
    public static void until(String what, BooleanSupplier condition, Supplier<String> state) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting until " + what + "; " + state.get());
            }
            try {
                Thread.sleep(5); // a polling interval, not a wait for the condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, () -> "");
    }

    /**
     * Waits until this JVM has no demo or runtime-sim child process left. Other test classes of
     * this module (the kernel-client acceptance tests) run beside these and start processes of
     * their own, so only ours are counted.
     */
    public static void noChildProcesses() {
        until("no demo or runtime-sim process is left", () -> ours().isEmpty(), () -> "left: " + ours());
    }

    private static List<String> ours() {
        return ProcessHandle.current()
                .descendants()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .filter(c -> c.contains(" runtime-sim ") || c.contains("io.hvl9p.daemon.Main demo"))
                .toList();
    }

    /** Whether a file of any kind (a FIFO, a dangling link) is at {@code p}. */
    public static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    /** The java command of this JVM, for child processes that run this test class path. */
    public static List<String> java(String... mainAndArgs) {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path")));
        cmd.addAll(List.of(mainAndArgs));
        return cmd;
    }

    /** Collects a child's output on a thread of its own, so that the child never blocks on a full pipe. */
    public static final class Output {
        private final StringBuilder text = new StringBuilder();
        private final Thread reader;

        public Output(InputStream in) {
            reader = Thread.ofPlatform().daemon().name("child-output").start(() -> {
                byte[] buf = new byte[4096];
                try (in) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        synchronized (text) {
                            text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException e) {
                    // the child went away
                }
            });
        }

        public String text() {
            synchronized (text) {
                return text.toString();
            }
        }

        /** Waits until the child closed its output, so that {@link #text} is complete. */
        public String finished() throws InterruptedException {
            reader.join(DEADLINE);
            return text();
        }
    }
}

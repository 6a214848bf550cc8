package io.hvl9p.transport.doorbell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the doorbell tests share: a generous deadline, an open-descriptor count. */
final class Waits {
    /** Long enough for a loaded CI machine; a passing test never waits for it. */
    static final long LONG = TimeUnit.SECONDS.toNanos(10);

    private Waits() {}

    static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }

    /** The number of open descriptors of this process ({@code /proc/self/fd}). */
    static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count() - 1; // the listing's own descriptor
        }
    }
}

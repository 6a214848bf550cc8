package io.hvl9p.daemon.acceptance;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** What the acceptance tests need from the host: programs, ports, directories, the repository. */
final class Host {
    private Host() {}

    /**
     * Fails the test with {@code message}, or skips it when the environment variable {@code
     * skipVariable} is {@code 1}: a machine without QEMU or diod must say so, not pass quietly.
     */
    static void require(boolean present, String skipVariable, String message) {
        if (present) {
            return;
        }
        if ("1".equals(System.getenv(skipVariable))) {
            Assumptions.abort(message + " (skipped because " + skipVariable + "=1)");
        }
        fail(message + " (set " + skipVariable + "=1 to skip this test instead)");
    }

    /** The program's path on PATH, or in the sbin directories where Debian puts diod. */
    static Optional<Path> program(String name) {
        List<String> dirs =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        return dirs.stream()
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The repository root: the nearest directory above the working directory holding {@code mvnw}. */
    static Optional<Path> repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw"))) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** A TCP port on 127.0.0.1 that was free a moment ago (the server binds it next). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether something listens on TCP {@code port} (any local address), read from /proc/net/tcp
     * and tcp6 so that the server under test gets no probing connection of ours.
     */
    static boolean listening(int port) {
        String suffix = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (Stream<String> lines = Files.lines(Path.of(table))) {
                if (lines.skip(1)
                        .map(String::trim)
                        .map(l -> l.split("\\s+"))
                        .anyMatch(f -> f.length > 3 && f[1].endsWith(suffix) && f[3].equals("0A"))) {
                    return true;
                }
            } catch (IOException e) {
                // no IPv6 table: fine
            }
        }
        return false;
    }

    /** Polls {@code condition} every 50 ms until it holds (true) or {@code timeout} passes (false). */
    static boolean poll(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * A new directory that other users can enter (rwxr-xr-x): the kernel client attaches once per
     * uid, and diod serves each uid with its own file-system ids, so uid 65534 must be able to
     * reach the export (deep-tree.sh walks as nobody). Under {@code base}, or java.io.tmpdir.
     */
    static Path openDirectory(Path base, String prefix) throws IOException {
        Path d = base == null ? Files.createTempDirectory(prefix) : Files.createTempDirectory(base, prefix);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    /** /dev/shm when it is a writable tmpfs (room for 64 KiB xattrs), else empty. */
    static Optional<Path> tmpfs() {
        Path shm = Path.of("/dev/shm");
        try {
            return Files.isDirectory(shm)
                            && Files.isWritable(shm)
                            && Files.getFileStore(shm).type().equals("tmpfs")
                    ? Optional.of(shm)
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The paths under {@code dir} (not {@code dir} itself), at most {@code limit}, relative. */
    static List<String> contents(Path dir, int limit) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir))
                    .map(p -> dir.relativize(p).toString())
                    .sorted()
                    .limit(limit)
                    .toList();
        }
    }

    /** Deletes {@code dir} and everything under it, if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The last {@code lines} lines of a text file, or a note that it cannot be read. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}

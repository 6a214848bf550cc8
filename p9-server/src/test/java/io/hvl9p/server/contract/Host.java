package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.server.testing.OpenFds;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/** What the host says about its files and this JVM, independently of the server under test. */
final class Host {
    private Host() {}

    /** {@code lstat} as java.nio reports it: the {@code unix:*} attributes, symlinks not followed. */
    static Map<String, Object> attrs(Path p) {
        try {
            return Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long ino(Path p) {
        return (Long) attrs(p).get("ino");
    }

    /** st_mode, type bits included. */
    static int mode(Path p) {
        return (Integer) attrs(p).get("mode");
    }

    static int nlink(Path p) {
        return (Integer) attrs(p).get("nlink");
    }

    /** A time attribute ({@code lastAccessTime}, {@code lastModifiedTime}, {@code ctime}, {@code creationTime}). */
    static Instant time(Path p, String name) {
        return ((FileTime) attrs(p).get(name)).toInstant();
    }

    /** Runs a command; its standard output without the trailing newline; fails unless it exits 0. */
    static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            String out;
            // Closed here, not by the JDK's reaper later: the leak check counts pipes too.
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
            return out.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * This JVM's open descriptors and what they point at, without the ones that say nothing about
     * the server: jar files (class loading opens them lazily and keeps them) and the listing's own
     * descriptor.
     */
    static Map<Integer, String> fds() {
        return OpenFds.withoutJarsAndListing();
    }

    /** How many of this JVM's descriptors point at {@code dir} or below it. */
    static long fdsUnder(Path dir) {
        String d = dir.toString();
        return fds().values().stream()
                .filter(t -> t.equals(d) || t.startsWith(d + "/"))
                .count();
    }
}

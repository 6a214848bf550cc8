package io.hvl9p.console;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * Appends {@code 2026-12-03T11:40:00.123Z [runtime] line} to a file (created if missing, never
 * truncated), one flush per line so that a crash loses at most the line being written. Timestamps
 * are ISO-8601 UTC with milliseconds, from an injected {@link Clock}.
 */
public final class LogFileSink implements ConsoleSink {
    /** Always three fraction digits (ISO_INSTANT drops a zero fraction), so the columns line up. */
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path path;
    private final Clock clock;
    private final BufferedWriter out;

    private LogFileSink(Path path, Clock clock, BufferedWriter out) {
        this.path = path;
        this.clock = clock;
        this.out = out;
    }

    /**
     * Opens {@code path} for appending, creating it if needed.
     *
     * @throws IOException naming the file, if it cannot be opened (missing directory, permissions)
     */
    public static LogFileSink open(Path path, Clock clock) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(clock, "clock");
        try {
            BufferedWriter w = Files.newBufferedWriter(
                    path,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            return new LogFileSink(path, clock, w);
        } catch (IOException e) {
            throw new IOException("cannot open console log file " + path + ": " + describe(e), e);
        }
    }

    /** The system clock in UTC. */
    public static LogFileSink open(Path path) throws IOException {
        return open(path, Clock.systemUTC());
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void line(String runtime, String line) throws IOException {
        String stamp = ISO.format(clock.instant());
        try {
            out.write(stamp + " [" + runtime + "] " + line);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new IOException("cannot write console log file " + path + ": " + describe(e), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}

package io.hvl9p.exports.config;

import java.util.Objects;

/**
 * One problem in a configuration file.
 *
 * @param file the file as the user named it
 * @param line the 1-based line, or 0 for the file as a whole
 * @param message what is wrong and, in parentheses, what is expected
 */
public record ConfigError(String file, int line, String message) implements Comparable<ConfigError> {
    public ConfigError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    /** {@code FILE:LINE: message}, or {@code FILE: message} for line 0. */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }

    @Override
    public int compareTo(ConfigError o) {
        return Integer.compare(line, o.line);
    }
}

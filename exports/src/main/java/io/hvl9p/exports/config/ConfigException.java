package io.hvl9p.exports.config;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/** A configuration file that cannot be used: every problem found, in line order. */
public final class ConfigException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("no errors");
        }
        this.errors = List.copyOf(errors);
    }

    /** The problems, in line order; never empty. */
    public List<ConfigError> errors() {
        return errors;
    }
}

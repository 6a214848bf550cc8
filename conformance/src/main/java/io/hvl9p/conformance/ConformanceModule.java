package io.hvl9p.conformance;

/** Names this module for the wiring and the dependency test; the module's API comes with its issue. */
public final class ConformanceModule {
    private ConformanceModule() {}

    /** The module's name as in architecture.md. */
    public static final String NAME = "conformance";
}

package io.hvl9p.exports;

/** Names this module for the wiring and the dependency test; the module's API comes with its issue. */
public final class ExportsModule {
    private ExportsModule() {}

    /** The module's name as in architecture.md. */
    public static final String NAME = "exports";
}

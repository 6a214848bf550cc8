package io.hvl9p.console;

/** Names this module for the wiring and the dependency test; the module's API comes with its issue. */
public final class ConsoleModule {
    private ConsoleModule() {}

    /** The module's name as in architecture.md. */
    public static final String NAME = "virtio-console";
}

package io.hvl9p.server;

/** Names this module for the wiring and the dependency test; the module's API comes with its issue. */
public final class ServerModule {
    private ServerModule() {}

    /** The module's name as in architecture.md. */
    public static final String NAME = "p9-server";
}

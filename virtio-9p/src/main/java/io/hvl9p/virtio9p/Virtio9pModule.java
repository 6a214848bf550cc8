package io.hvl9p.virtio9p;

/** Names this module for the wiring and the dependency test; the module's API comes with its issue. */
public final class Virtio9pModule {
    private Virtio9pModule() {}

    /** The module's name as in architecture.md. */
    public static final String NAME = "virtio-9p";
}

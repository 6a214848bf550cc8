package io.hvl9p.server.spi;

/**
 * One served tree (an export). The root comes from trusted configuration, never from a client's
 * aname. Thread-safe.
 */
public interface Backend extends AutoCloseable {
    /** A new handle on the root, acting as {@code who} for every later operation through it and its descendants. */
    Node attach(Identity who);

    /** Whether every mutating operation is refused with EROFS. */
    boolean readOnly();

    /** For logs: what is served (for example the host path). */
    String describe();

    /** Releases what the backend holds (the root descriptor); nodes still open stay valid until closed. */
    @Override
    void close();
}

/**
 * The 9P2000.L wire protocol: message records, the bounded codec and a client.
 *
 * <p>Depends on the JDK only (architecture.md, section 2).
 */
module io.hvl9p.protocol {
    exports io.hvl9p.protocol;
    exports io.hvl9p.protocol.client;
}

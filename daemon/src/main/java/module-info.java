/** hvl9p module io.hvl9p.daemon (see ../shared/docs/architecture.md, section 2). */
module io.hvl9p.daemon {
    requires io.hvl9p.protocol;
    requires io.hvl9p.server;
    requires io.hvl9p.exports;
    requires io.hvl9p.transport;
    requires io.hvl9p.virtio9p;
    requires io.hvl9p.console;
    requires io.hvl9p.conformance;
    requires info.picocli;
    requires jdk.unsupported; // sun.misc.Signal: SIGHUP reloads the configuration

    exports io.hvl9p.daemon;

    opens io.hvl9p.daemon to
            info.picocli;
}

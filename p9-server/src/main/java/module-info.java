/** hvl9p module io.hvl9p.server (see ../shared/docs/architecture.md, section 2). */
module io.hvl9p.server {
    requires transitive io.hvl9p.protocol;

    exports io.hvl9p.server;
    exports io.hvl9p.server.spi;
    exports io.hvl9p.server.linux;
    exports io.hvl9p.server.trace;
    exports io.hvl9p.server.net;
}

/** hvl9p module io.hvl9p.server (see ../shared/docs/architecture.md, section 2). */
module io.hvl9p.server {
    requires io.hvl9p.protocol;

    exports io.hvl9p.server;
}

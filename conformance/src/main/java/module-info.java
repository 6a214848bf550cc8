/** hvl9p module io.hvl9p.conformance (see ../shared/docs/architecture.md, section 2). */
module io.hvl9p.conformance {
    requires transitive io.hvl9p.protocol;
    requires io.hvl9p.server;

    exports io.hvl9p.conformance;
    exports io.hvl9p.conformance.load;
}

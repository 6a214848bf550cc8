/** hvl9p module io.hvl9p.console (see ../shared/docs/architecture.md, section 2). */
module io.hvl9p.console {
    requires transitive io.hvl9p.transport;

    exports io.hvl9p.console;
}

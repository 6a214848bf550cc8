/** hvl9p module io.hvl9p.exports (see ../shared/docs/architecture.md, section 2). */
module io.hvl9p.exports {
    requires transitive io.hvl9p.server;

    exports io.hvl9p.exports;
    exports io.hvl9p.exports.config;
    exports io.hvl9p.exports.policy;
}

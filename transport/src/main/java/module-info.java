/** hvl9p module io.hvl9p.transport (see ../shared/docs/architecture.md, section 2). */
module io.hvl9p.transport {
    exports io.hvl9p.transport;
    exports io.hvl9p.transport.doorbell;
    exports io.hvl9p.transport.driver;
    exports io.hvl9p.transport.fdt;
    exports io.hvl9p.transport.layout;
    exports io.hvl9p.transport.memory;
    exports io.hvl9p.transport.mmio;
    exports io.hvl9p.transport.pool;
    exports io.hvl9p.transport.virtq;
}

/** hvl9p module io.hvl9p.virtio9p (see ../shared/docs/architecture.md, section 2). */
module io.hvl9p.virtio9p {
    requires transitive io.hvl9p.transport;
    requires transitive io.hvl9p.server;

    exports io.hvl9p.virtio9p;
    exports io.hvl9p.virtio9p.client;
}

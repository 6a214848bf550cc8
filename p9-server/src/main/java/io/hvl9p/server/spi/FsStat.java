package io.hvl9p.server.spi;

/** What Tstatfs reports about the file system holding a node. */
public record FsStat(
        int type, int bsize, long blocks, long bfree, long bavail, long files, long ffree, long fsid, int namelen) {}

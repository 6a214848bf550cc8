package io.hvl9p.server.spi;

/**
 * A Tsetattr request: {@code valid} holds {@code SetattrValid} bits. {@code mode} is already masked
 * to 07777. Times whose {@code *_SET} bit is clear mean "now".
 */
public record SetAttr(
        int valid,
        int mode,
        int uid,
        int gid,
        long size,
        long atimeSec,
        long atimeNsec,
        long mtimeSec,
        long mtimeNsec) {}

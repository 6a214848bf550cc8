package io.hvl9p.server.spi;

import io.hvl9p.protocol.Qid;

/**
 * A file's attributes as Tgetattr reports them (statx fields, Linux encodings: {@code mode}
 * includes the type bits, {@code rdev} is in the kernel's {@code new_encode_dev} form). {@code
 * valid} holds the {@code GetattrMask} bits the backend filled. {@code blksize} is the host's; the
 * session replaces it with one suited to the negotiated msize.
 */
public record Attr(
        long valid,
        Qid qid,
        int mode,
        int uid,
        int gid,
        long nlink,
        long rdev,
        long size,
        long blksize,
        long blocks,
        long atimeSec,
        long atimeNsec,
        long mtimeSec,
        long mtimeNsec,
        long ctimeSec,
        long ctimeNsec,
        long btimeSec,
        long btimeNsec,
        long gen,
        long dataVersion) {}

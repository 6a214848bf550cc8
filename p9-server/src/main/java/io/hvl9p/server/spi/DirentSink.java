package io.hvl9p.server.spi;

import io.hvl9p.protocol.Qid;

/** Receives directory entries in order; returns false when the reply is full (the entry was not taken). */
@FunctionalInterface
public interface DirentSink {
    /**
     * @param qid the entry's qid (type from d_type, path unique per file)
     * @param nextCookie the cookie of the entry after this one (what Treaddir's offset resumes at)
     * @param type the {@code DT_*} type
     * @param name the entry's name, raw bytes
     */
    boolean accept(Qid qid, long nextCookie, int type, byte[] name);
}

package io.hvl9p.protocol;

/**
 * One entry of an Rreaddir: {@code qid[13] offset[8] type[1] name[s]}.
 *
 * @param offset the cookie of the <em>next</em> entry (what the client sends back to continue)
 * @param type the {@code d_type} ({@code DT_*}) value
 */
public record Dirent(Qid qid, long offset, int type, P9Name name) {
    public static final int DT_UNKNOWN = 0;
    public static final int DT_FIFO = 1;
    public static final int DT_CHR = 2;
    public static final int DT_DIR = 4;
    public static final int DT_BLK = 6;
    public static final int DT_REG = 8;
    public static final int DT_LNK = 10;
    public static final int DT_SOCK = 12;

    public Dirent {
        if ((type & ~0xff) != 0) {
            throw new IllegalArgumentException("dirent type " + type + " (expected: 0..255)");
        }
    }

    /** Encoded size: 24 bytes plus the name. */
    public int encodedSize() {
        return Qid.SIZE + 8 + 1 + 2 + name.length();
    }
}

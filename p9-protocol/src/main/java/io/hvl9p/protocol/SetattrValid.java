package io.hvl9p.protocol;

/**
 * Valid bits of Tsetattr ({@code P9_ATTR_*}). ATIME or MTIME without the matching {@code _SET}
 * bit means "now"; CTIME alone means "touch ctime" (9p2000L-wire.md, section 6).
 */
public final class SetattrValid {
    private SetattrValid() {}

    public static final int MODE = 0x1;
    public static final int UID = 0x2;
    public static final int GID = 0x4;
    public static final int SIZE = 0x8;
    public static final int ATIME = 0x10;
    public static final int MTIME = 0x20;
    public static final int CTIME = 0x40;
    public static final int ATIME_SET = 0x80;
    public static final int MTIME_SET = 0x100;
    public static final int ALL = 0x1ff;
}

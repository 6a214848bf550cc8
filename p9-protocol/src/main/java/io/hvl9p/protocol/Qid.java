package io.hvl9p.protocol;

/**
 * A qid: the server's unique identity of a file, {@code type[1] version[4] path[8]}.
 *
 * <p>{@code path} must be unique and stable per file within an export: Linux 6.8+ looks inodes up
 * by it alone (9p2000L-wire.md, section 1).
 */
public record Qid(int type, int version, long path) {
    public static final int QTDIR = 0x80;
    public static final int QTAPPEND = 0x40;
    public static final int QTEXCL = 0x20;
    public static final int QTMOUNT = 0x10;
    public static final int QTAUTH = 0x08;
    public static final int QTTMP = 0x04;
    public static final int QTSYMLINK = 0x02;
    public static final int QTLINK = 0x01;
    public static final int QTFILE = 0x00;

    /** Encoded size in bytes. */
    public static final int SIZE = 13;

    public Qid {
        if ((type & ~0xff) != 0) {
            throw new IllegalArgumentException("qid type " + type + " (expected: 0..255)");
        }
    }

    public boolean isDirectory() {
        return (type & QTDIR) != 0;
    }

    public boolean isSymlink() {
        return (type & QTSYMLINK) != 0;
    }

    @Override
    public String toString() {
        return "(" + Long.toHexString(path) + " " + version + " " + (isDirectory() ? "d" : isSymlink() ? "L" : "")
                + Integer.toHexString(type) + ")";
    }
}

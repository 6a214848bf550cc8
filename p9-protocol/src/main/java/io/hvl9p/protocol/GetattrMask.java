package io.hvl9p.protocol;

/** Request and valid bits of Tgetattr/Rgetattr ({@code P9_GETATTR_*}). */
public final class GetattrMask {
    private GetattrMask() {}

    public static final long MODE = 0x1;
    public static final long NLINK = 0x2;
    public static final long UID = 0x4;
    public static final long GID = 0x8;
    public static final long RDEV = 0x10;
    public static final long ATIME = 0x20;
    public static final long MTIME = 0x40;
    public static final long CTIME = 0x80;
    public static final long INO = 0x100;
    public static final long SIZE = 0x200;
    public static final long BLOCKS = 0x400;
    public static final long BTIME = 0x800;
    public static final long GEN = 0x1000;
    public static final long DATA_VERSION = 0x2000;
    /** Everything {@code stat(2)} reports. */
    public static final long BASIC = 0x7ff;

    public static final long ALL = 0x3fff;
}

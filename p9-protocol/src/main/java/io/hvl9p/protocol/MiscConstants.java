package io.hvl9p.protocol;

/** Small constants of 9P2000.L that belong to no other group. */
public final class MiscConstants {
    private MiscConstants() {}

    /** The tag of Tversion. */
    public static final int NOTAG = 0xffff;
    /** {@code n_uname} when the client names no numeric user. */
    public static final int NONUNAME = -1;
    /** Most names one Twalk may carry ({@code P9_MAXWELEM}). */
    public static final int MAXWELEM = 16;
    /** Size of the header {@code size[4] type[1] tag[2]}. */
    public static final int HEADER_SIZE = 7;
    /** Bytes of Rread/Twrite framing around the data ({@code P9_IOHDRSZ}). */
    public static final int IOHDRSZ = 24;
    /** Smallest msize a server accepts. */
    public static final int MIN_MSIZE = 256;
    /** Tunlinkat flag that makes it rmdir. */
    public static final int AT_REMOVEDIR = 0x200;
    /** Txattrcreate flags. */
    public static final int XATTR_CREATE = 1;

    public static final int XATTR_REPLACE = 2;
    /** The protocol version this project speaks. */
    public static final String VERSION_9P2000_L = "9P2000.L";
    /** The answer to a version the server does not speak. */
    public static final String VERSION_UNKNOWN = "unknown";
}

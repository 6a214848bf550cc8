package io.hvl9p.protocol;

/**
 * The {@code P9_DOTL_*} open flags of Tlopen and Tlcreate: the fixed Linux/x86 octal values,
 * whatever the client's or server's architecture (9p2000L-wire.md, section 4). A server decodes
 * them; it never passes them to {@code open(2)} as they are.
 */
public final class OpenFlags {
    private OpenFlags() {}

    public static final int RDONLY = 0;
    public static final int WRONLY = 01;
    public static final int RDWR = 02;
    public static final int NOACCESS = 03;
    public static final int ACCMODE = 03;
    public static final int CREATE = 0100;
    public static final int EXCL = 0200;
    public static final int NOCTTY = 0400;
    public static final int TRUNC = 01000;
    public static final int APPEND = 02000;
    public static final int NONBLOCK = 04000;
    public static final int DSYNC = 010000;
    public static final int FASYNC = 020000;
    public static final int DIRECT = 040000;
    public static final int LARGEFILE = 0100000;
    public static final int DIRECTORY = 0200000;
    public static final int NOFOLLOW = 0400000;
    public static final int NOATIME = 01000000;
    public static final int CLOEXEC = 02000000;
    public static final int SYNC = 04000000;

    private static final int[] BITS = {
        CREATE, EXCL, NOCTTY, TRUNC, APPEND, NONBLOCK, DSYNC, FASYNC, DIRECT, LARGEFILE, DIRECTORY, NOFOLLOW, NOATIME,
        CLOEXEC, SYNC
    };
    private static final String[] NAMES = {
        "CREATE",
        "EXCL",
        "NOCTTY",
        "TRUNC",
        "APPEND",
        "NONBLOCK",
        "DSYNC",
        "FASYNC",
        "DIRECT",
        "LARGEFILE",
        "DIRECTORY",
        "NOFOLLOW",
        "NOATIME",
        "CLOEXEC",
        "SYNC"
    };

    /** The access mode: {@link #RDONLY}, {@link #WRONLY}, {@link #RDWR} or {@link #NOACCESS}. */
    public static int accessMode(int flags) {
        return flags & ACCMODE;
    }

    /** Whether the flags ask for write access. */
    public static boolean writes(int flags) {
        int acc = flags & ACCMODE;
        return acc == WRONLY || acc == RDWR;
    }

    /** A readable form such as {@code RDWR|CREATE|TRUNC}, for traces. */
    public static String describe(int flags) {
        StringBuilder sb = new StringBuilder(
                switch (flags & ACCMODE) {
                    case RDONLY -> "RDONLY";
                    case WRONLY -> "WRONLY";
                    case RDWR -> "RDWR";
                    default -> "NOACCESS";
                });
        int rest = flags & ~ACCMODE;
        for (int i = 0; i < BITS.length; i++) {
            if ((rest & BITS[i]) != 0) {
                sb.append('|').append(NAMES[i]);
                rest &= ~BITS[i];
            }
        }
        if (rest != 0) {
            sb.append("|0").append(Integer.toOctalString(rest));
        }
        return sb.toString();
    }
}

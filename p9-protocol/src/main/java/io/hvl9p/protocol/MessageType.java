package io.hvl9p.protocol;

/**
 * The 9P2000.L message types and their type bytes ({@code enum p9_msg_t} in
 * {@code include/net/9p/9p.h}). Lookup by type byte goes through an array that is checked for
 * duplicates when the class loads.
 */
public enum MessageType {
    RLERROR(7),
    TSTATFS(8),
    RSTATFS(9),
    TLOPEN(12),
    RLOPEN(13),
    TLCREATE(14),
    RLCREATE(15),
    TSYMLINK(16),
    RSYMLINK(17),
    TMKNOD(18),
    RMKNOD(19),
    TRENAME(20),
    RRENAME(21),
    TREADLINK(22),
    RREADLINK(23),
    TGETATTR(24),
    RGETATTR(25),
    TSETATTR(26),
    RSETATTR(27),
    TXATTRWALK(30),
    RXATTRWALK(31),
    TXATTRCREATE(32),
    RXATTRCREATE(33),
    TREADDIR(40),
    RREADDIR(41),
    TFSYNC(50),
    RFSYNC(51),
    TLOCK(52),
    RLOCK(53),
    TGETLOCK(54),
    RGETLOCK(55),
    TLINK(70),
    RLINK(71),
    TMKDIR(72),
    RMKDIR(73),
    TRENAMEAT(74),
    RRENAMEAT(75),
    TUNLINKAT(76),
    RUNLINKAT(77),
    TVERSION(100),
    RVERSION(101),
    TAUTH(102),
    RAUTH(103),
    TATTACH(104),
    RATTACH(105),
    TFLUSH(108),
    RFLUSH(109),
    TWALK(110),
    RWALK(111),
    TREAD(116),
    RREAD(117),
    TWRITE(118),
    RWRITE(119),
    TCLUNK(120),
    RCLUNK(121),
    TREMOVE(122),
    RREMOVE(123);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            if (BY_CODE[t.code] != null) {
                throw new ExceptionInInitializerError(
                        "type byte " + t.code + " used by " + BY_CODE[t.code] + " and " + t);
            }
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The type byte. */
    public int code() {
        return code;
    }

    /** Whether this is a request (T-message); type bytes of requests are even. */
    public boolean isRequest() {
        return (code & 1) == 0;
    }

    /** The name as in the Linux header, e.g. {@code Twalk}. */
    public String wireName() {
        String n = name();
        return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    /** The type for a type byte, or {@code null} when 9P2000.L has none. */
    public static MessageType ofCode(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }
}

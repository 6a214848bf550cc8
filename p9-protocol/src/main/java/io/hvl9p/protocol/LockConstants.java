package io.hvl9p.protocol;

/**
 * Values of Tlock/Tgetlock: lock types, request flags and Rlock statuses. A server never sends a
 * status other than these four: older kernels {@code BUG()} on one (9p2000L-wire.md, section 9).
 */
public final class LockConstants {
    private LockConstants() {}

    public static final int TYPE_RDLCK = 0;
    public static final int TYPE_WRLCK = 1;
    public static final int TYPE_UNLCK = 2;

    public static final int FLAG_BLOCK = 1;
    public static final int FLAG_RECLAIM = 2;

    public static final int STATUS_SUCCESS = 0;
    public static final int STATUS_BLOCKED = 1;
    public static final int STATUS_ERROR = 2;
    public static final int STATUS_GRACE = 3;

    public static String typeName(int type) {
        return switch (type) {
            case TYPE_RDLCK -> "RDLCK";
            case TYPE_WRLCK -> "WRLCK";
            case TYPE_UNLCK -> "UNLCK";
            default -> "type" + type;
        };
    }

    public static String statusName(int status) {
        return switch (status) {
            case STATUS_SUCCESS -> "SUCCESS";
            case STATUS_BLOCKED -> "BLOCKED";
            case STATUS_ERROR -> "ERROR";
            case STATUS_GRACE -> "GRACE";
            default -> "status" + status;
        };
    }
}

package io.hvl9p.protocol;

/**
 * A fid: the client's 32-bit handle for a file on the server.
 *
 * @param value the raw value, compared unsigned; {@link #NOFID} is {@code 0xffffffff}
 */
public record Fid(int value) {
    /** The "no fid" value ({@code ~0}), used as the afid of an unauthenticated attach. */
    public static final Fid NOFID = new Fid(-1);

    public static Fid of(int value) {
        return value == -1 ? NOFID : new Fid(value);
    }

    public boolean isNofid() {
        return value == -1;
    }

    @Override
    public String toString() {
        return isNofid() ? "NOFID" : Integer.toUnsignedString(value);
    }
}

package io.hvl9p.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A 9P string: {@code len[2]} then bytes, no terminator. Linux strings are bytes, not UTF-8, so
 * the bytes are kept as they are; only NUL is refused (no Linux path or name can hold one).
 *
 * <p>Used for strings that may be empty or contain {@code '/'}: version, uname, aname, symlink
 * targets, xattr names, lock client ids. Path components are {@link P9Name}s.
 */
public final class P9String implements Comparable<P9String> {
    public static final int MAX_LENGTH = 0xffff;
    public static final P9String EMPTY = new P9String(new byte[0]);

    private final byte[] bytes;

    private P9String(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A string of these bytes (copied). */
    public static P9String of(byte[] bytes) {
        return new P9String(checked(bytes.clone()));
    }

    /** A string of the UTF-8 encoding of {@code s}. */
    public static P9String of(String s) {
        return new P9String(checked(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Wraps bytes the caller promises never to change (the decoder's own copies). */
    static P9String wrap(byte[] bytes) {
        return new P9String(checked(bytes));
    }

    private static byte[] checked(byte[] b) {
        if (b.length > MAX_LENGTH) {
            throw new IllegalArgumentException("string of " + b.length + " bytes (expected: <= 65535)");
        }
        for (byte x : b) {
            if (x == 0) {
                throw new IllegalArgumentException("string contains a NUL byte");
            }
        }
        return b;
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes without a copy; callers must not modify them. */
    byte[] unsafeBytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    /** The bytes decoded as UTF-8 (malformed sequences replaced); for display and configuration. */
    public String asString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof P9String s && Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(P9String o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return Printable.quote(bytes);
    }
}

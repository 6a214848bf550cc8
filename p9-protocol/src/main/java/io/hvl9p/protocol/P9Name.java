package io.hvl9p.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One path component as sent in walk and create-type messages: bytes, never empty, never holding
 * {@code '/'} or NUL. "." and ".." are valid names here; what they mean is the server's business.
 */
public final class P9Name implements Comparable<P9Name> {
    public static final P9Name DOT = new P9Name(new byte[] {'.'});
    public static final P9Name DOTDOT = new P9Name(new byte[] {'.', '.'});

    private final byte[] bytes;

    private P9Name(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A name of these bytes (copied); throws {@link IllegalArgumentException} saying what is wrong. */
    public static P9Name of(byte[] bytes) {
        return new P9Name(validate(bytes.clone()));
    }

    /** A name of the UTF-8 encoding of {@code s}. */
    public static P9Name of(String s) {
        return new P9Name(validate(s.getBytes(StandardCharsets.UTF_8)));
    }

    static P9Name wrap(byte[] bytes) {
        return new P9Name(validate(bytes));
    }

    /** Why these bytes are not a name, or {@code null} when they are one. */
    public static String problem(byte[] b) {
        if (b.length == 0) {
            return "empty name";
        }
        if (b.length > P9String.MAX_LENGTH) {
            return "name of " + b.length + " bytes (expected: <= 65535)";
        }
        for (byte x : b) {
            if (x == '/') {
                return "name contains '/'";
            }
            if (x == 0) {
                return "name contains a NUL byte";
            }
        }
        return null;
    }

    private static byte[] validate(byte[] b) {
        String p = problem(b);
        if (p != null) {
            throw new IllegalArgumentException(p + ": " + Printable.quote(b));
        }
        return b;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    byte[] unsafeBytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    public boolean isDot() {
        return bytes.length == 1 && bytes[0] == '.';
    }

    public boolean isDotDot() {
        return bytes.length == 2 && bytes[0] == '.' && bytes[1] == '.';
    }

    /** "." or "..". */
    public boolean isDotOrDotDot() {
        return isDot() || isDotDot();
    }

    public String asString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof P9Name n && Arrays.equals(bytes, n.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(P9Name o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return Printable.quote(bytes);
    }
}

package io.hvl9p.daemon.runtime;

import java.time.Duration;
import java.util.Locale;

/** Parsing of sizes ({@code 24K}, {@code 4M}, {@code 0x5e00}), addresses and short durations. */
public final class Units {
    private Units() {}

    /**
     * A byte count: decimal or {@code 0x} hex, optionally followed by K, M or G (powers of 1024).
     *
     * @throws IllegalArgumentException naming {@code what} and the expected forms
     */
    public static long size(String what, String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
            mult = switch (t.charAt(t.length() - 1)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                default -> 1L << 30;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
            if (v < 0 || v > Long.MAX_VALUE / mult) {
                throw new NumberFormatException();
            }
            return v * mult;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    what + " \"" + s + "\" (expected: a size such as 4096, 0x5e00, 24K or 4M)");
        }
    }

    /** A physical address: {@code 0x} hex or decimal. */
    public static long address(String what, String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " \"" + s + "\" (expected: an address such as 0x37000000)");
        }
    }

    /** A duration such as {@code 0}, {@code 50us}, {@code 2ms}, {@code 1s}. */
    public static Duration duration(String what, String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("0")) {
                return Duration.ZERO;
            }
            if (t.endsWith("us")) {
                return Duration.ofNanos(Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 2)), 1000L));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(what + " \"" + s + "\" (expected: 0, or a number with us, ms or s)");
    }
}

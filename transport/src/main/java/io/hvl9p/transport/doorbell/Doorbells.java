package io.hvl9p.transport.doorbell;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Doorbells from their configuration strings (hvl-transport.md section 5), one per pool:
 *
 * <ul>
 *   <li>{@code fifo:PATH}: named pipes {@code PATH.kick} and {@code PATH.irq} ({@link FifoDoorbell},
 *       front-end side {@link FifoDriverDoorbell});
 *   <li>{@code umb:DEVICE}: a mailbox character device ({@link UmbDoorbell});
 *   <li>{@code uio:/dev/uioN,irq-map=M,irq-offset=0xOFF,irq-value=V}: a UIO device and a doorbell
 *       register ({@link UioDoorbell}; the irq options are required);
 *   <li>{@code poll} or {@code poll:INTERVAL} ({@code 1ms}, {@code 200us}, units {@code ns us ms s},
 *       from 1 µs to 1 s, default 1 ms): no notifications ({@link PollDoorbell}, {@link
 *       PollDriverDoorbell}).
 * </ul>
 *
 * A bad spec is an {@link IllegalArgumentException} that names what was expected.
 */
public final class Doorbells {
    private static final String SYNTAX =
            "fifo:PATH, umb:DEVICE, uio:/dev/uioN[,irq-map=M,irq-offset=0xOFF,irq-value=V], poll[:INTERVAL]";
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ns|us|ms|s)");
    private static final long MIN_INTERVAL = 1_000L;
    private static final long MAX_INTERVAL = 1_000_000_000L;

    private Doorbells() {}

    /** The accepted spec forms, for messages and help texts. */
    public static String syntax() {
        return SYNTAX;
    }

    /** Opens (for {@code fifo}: creates) the back-end side of the doorbell {@code spec}. */
    public static Doorbell backEnd(String spec) throws IOException {
        return switch (parse(spec)) {
            case Spec.Fifo f -> FifoDoorbell.create(f.path());
            case Spec.Umb u -> UmbDoorbell.open(u.device());
            case Spec.Uio u -> UioDoorbell.open(u.device(), u.irq());
            case Spec.Poll p -> PollDoorbell.create(p.intervalNanos());
        };
    }

    /** Opens the front-end side of {@code spec}; only {@code fifo} and {@code poll} have one. */
    public static DriverDoorbell driver(String spec) throws IOException {
        return switch (parse(spec)) {
            case Spec.Fifo f -> FifoDriverDoorbell.open(f.path());
            case Spec.Poll p -> PollDriverDoorbell.create(p.intervalNanos());
            case Spec.Umb u -> throw noDriver("umb");
            case Spec.Uio u -> throw noDriver("uio");
        };
    }

    private static IllegalArgumentException noDriver(String kind) {
        return new IllegalArgumentException("doorbell kind " + kind + " has no front-end side in this process"
                + " (the front-end is the runtime on the other core; expected: fifo:PATH or poll[:INTERVAL])");
    }

    /** A parsed spec; nothing is opened. */
    sealed interface Spec {
        record Fifo(Path path) implements Spec {}

        record Umb(Path device) implements Spec {}

        /** {@code irq} is null when no irq options were given (refused when opened). */
        record Uio(Path device, UioDoorbell.Irq irq) implements Spec {}

        record Poll(long intervalNanos) implements Spec {}
    }

    static Spec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw bad("empty doorbell spec (expected: " + SYNTAX + ")");
        }
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String rest = colon < 0 ? null : spec.substring(colon + 1);
        return switch (kind) {
            case "fifo" -> new Spec.Fifo(Path.of(path(kind, rest, "PATH")));
            case "umb" -> new Spec.Umb(Path.of(path(kind, rest, "DEVICE")));
            case "uio" -> uio(rest);
            case "poll" -> new Spec.Poll(rest == null ? PollDoorbell.DEFAULT_INTERVAL_NANOS : interval(rest));
            default -> throw bad("unknown doorbell \"" + spec + "\" (expected: " + SYNTAX + ")");
        };
    }

    private static String path(String kind, String rest, String what) {
        if (rest == null || rest.isEmpty()) {
            throw bad("doorbell " + kind + " needs a path (expected: " + kind + ":" + what + ")");
        }
        if (rest.indexOf('\0') >= 0) {
            throw bad("doorbell " + kind + " path contains a NUL byte");
        }
        return rest;
    }

    private static Spec.Uio uio(String rest) {
        String[] parts = path("uio", rest, "/dev/uioN[,irq-map=M,irq-offset=0xOFF,irq-value=V]")
                .split(",", -1);
        Path device = Path.of(parts[0].isEmpty() ? missingUioPath() : parts[0]);
        if (!String.valueOf(device.getFileName()).matches("uio[0-9]+")) {
            throw bad("uio device must be /dev/uioN, got \"" + parts[0] + "\"");
        }
        Map<String, Long> options = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            String key = eq < 0 ? parts[i] : parts[i].substring(0, eq);
            if (!key.equals("irq-map") && !key.equals("irq-offset") && !key.equals("irq-value")) {
                throw bad(
                        "unknown uio option \"" + parts[i] + "\" (expected: irq-map=M, irq-offset=0xOFF, irq-value=V)");
            }
            if (eq < 0) {
                throw bad("uio option " + key + " needs a value (expected: " + key + "=NUMBER)");
            }
            if (options.put(key, number(key, parts[i].substring(eq + 1))) != null) {
                throw bad("uio option " + key + " given twice");
            }
        }
        if (options.isEmpty()) {
            return new Spec.Uio(device, null);
        }
        for (String key : new String[] {"irq-map", "irq-offset", "irq-value"}) {
            if (!options.containsKey(key)) {
                throw bad("uio options irq-map, irq-offset and irq-value go together; " + key + " is missing");
            }
        }
        long map = options.get("irq-map");
        long value = options.get("irq-value");
        if (map > Integer.MAX_VALUE) {
            throw bad("irq-map " + map + " is too large (expected: a UIO map index, 0 to 4)");
        }
        if (value > 0xFFFF_FFFFL) {
            throw bad("irq-value 0x" + Long.toHexString(value) + " does not fit in 32 bits");
        }
        try {
            return new Spec.Uio(device, new UioDoorbell.Irq((int) map, options.get("irq-offset"), (int) value));
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private static String missingUioPath() {
        throw bad("doorbell uio needs a path (expected: uio:/dev/uioN[,irq-map=M,irq-offset=0xOFF,irq-value=V])");
    }

    private static long number(String key, String text) {
        try {
            long n = text.startsWith("0x") || text.startsWith("0X")
                    ? Long.parseLong(text.substring(2), 16)
                    : Long.parseLong(text);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad("uio option " + key + "=\"" + text + "\" is not a number (expected: decimal or 0x hex)");
        }
    }

    private static long interval(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw bad("bad poll interval \"" + text + "\" (expected: poll:NUMBER followed by ns, us, ms or s,"
                    + " e.g. poll:1ms or poll:200us)");
        }
        long nanos;
        try {
            long n = Long.parseLong(m.group(1));
            nanos = switch (m.group(2)) {
                case "ns" -> n;
                case "us" -> Math.multiplyExact(n, 1_000L);
                case "ms" -> Math.multiplyExact(n, 1_000_000L);
                default -> Math.multiplyExact(n, 1_000_000_000L);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            nanos = Long.MAX_VALUE;
        }
        if (nanos < MIN_INTERVAL || nanos > MAX_INTERVAL) {
            throw bad("poll interval " + text + " is out of range (expected: 1us to 1s; the front-end gives up"
                    + " on an ACK after 4 s)");
        }
        return nanos;
    }

    /** {@code 1ms}, {@code 200us}, {@code 1500ns}: the largest unit that divides the value. */
    static String formatDuration(long nanos) {
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }

    private static IllegalArgumentException bad(String message) {
        return new IllegalArgumentException(message);
    }
}

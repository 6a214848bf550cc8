package io.hvl9p.transport.driver;

import io.hvl9p.transport.doorbell.Doorbells;
import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.pool.Pool;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The front-end as its own process (hvl-transport.md section 7): attaches to a pool another
 * process serves and probes it, which proves that the two-process path (a {@code /dev/shm} pool, a
 * FIFO doorbell pair) works. The runtime simulator that speaks 9P lives in the daemon.
 *
 * <pre>
 * FrontEndMain --pool NAME --phys-base 0x37000000 --layout dtb|packed --doorbell fifo:PATH --probe
 * </pre>
 *
 * {@code --probe} prints one line per device (index, header pa, device id, SHM base and length,
 * the config space's first bytes in hex) and exits 0; any error prints one message and exits 1
 * (2 for bad usage).
 */
public final class FrontEndMain {
    /** How many config bytes {@code --probe} prints. */
    static final int PROBE_CONFIG_BYTES = 16;

    /** Opens the front-end side of a doorbell from its configuration string ({@code fifo:PATH}). */
    @FunctionalInterface
    public interface DoorbellOpener {
        DriverDoorbell open(String spec) throws IOException;
    }

    private FrontEndMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, FrontEndMain::openDoorbell));
    }

    /** Runs the command line; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err, DoorbellOpener doorbells) {
        String pool = null;
        Long physBase = null;
        PoolLayout.Kind layout = null;
        String doorbell = null;
        boolean probe = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--pool" -> pool = value(args, ++i, "--pool");
                    case "--phys-base" -> physBase = parseAddress(value(args, ++i, "--phys-base"));
                    case "--layout" -> layout = parseLayout(value(args, ++i, "--layout"));
                    case "--doorbell" -> doorbell = value(args, ++i, "--doorbell");
                    case "--probe" -> probe = true;
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (pool == null || physBase == null || layout == null || doorbell == null || !probe) {
                throw new IllegalArgumentException(
                        "--pool, --phys-base, --layout, --doorbell and --probe are required");
            }
        } catch (IllegalArgumentException e) {
            err.println("hvl9p-frontend: " + e.getMessage());
            err.println("usage: FrontEndMain --pool NAME --phys-base 0x... --layout dtb|packed"
                    + " --doorbell fifo:PATH --probe");
            return 2;
        }
        try (Pool p = Pool.openShm(pool, physBase);
                DriverDoorbell db = doorbells.open(doorbell)) {
            List<Long> headers = FrontEnd.headers(p.memory(), layout);
            if (headers.isEmpty()) {
                throw new DeviceException("no devices found in " + p.describe() + " (" + layout + " layout)");
            }
            try (FrontEnd fe = FrontEnd.attach(p.memory(), headers, db, FrontEnd.Options.defaults())) {
                for (DriverDevice d : fe.devices()) {
                    out.printf(
                            "%d header=0x%x device-id=%d shm-base=0x%x shm-len=0x%x config=%s%n",
                            d.index(),
                            d.headerPa(),
                            d.deviceId(),
                            d.shmBase(),
                            d.shmLen(),
                            HexFormat.of().formatHex(d.readConfig(PROBE_CONFIG_BYTES)));
                }
            }
            out.flush();
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("hvl9p-frontend: " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static long parseAddress(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        try {
            return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--phys-base '" + s + "' (expected: an address like 0x37000000)", e);
        }
    }

    static PoolLayout.Kind parseLayout(String s) {
        return switch (s) {
            case "dtb" -> PoolLayout.Kind.DTB;
            case "packed" -> PoolLayout.Kind.PACKED;
            default -> throw new IllegalArgumentException("--layout '" + s + "' (expected: dtb or packed)");
        };
    }

    /** The front-end side of the doorbell named by {@code spec}. */
    static DriverDoorbell openDoorbell(String spec) throws IOException {
        return Doorbells.driver(spec);
    }
}

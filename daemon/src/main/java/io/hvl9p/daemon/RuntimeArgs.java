package io.hvl9p.daemon;

import io.hvl9p.daemon.runtime.RuntimeSpec;
import io.hvl9p.daemon.runtime.Units;
import io.hvl9p.transport.layout.PoolLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options of one {@code --runtime} group of {@code hvl9p serve} (until the configuration file, issue 5). */
final class RuntimeArgs {
    @Option(
            names = "--runtime",
            required = true,
            paramLabel = "NAME",
            description = "starts a runtime; the options up to the next --runtime describe it")
    String name;

    @Option(
            names = "--pool",
            paramLabel = "shm:NAME|uio:DEV",
            description = "the pool's backing (default shm:hvl9p-NAME, a file in /dev/shm)")
    String pool;

    @Option(
            names = "--pool-size",
            paramLabel = "SIZE",
            description = "pool size, e.g. 4M (default: what the devices need)")
    String size;

    @Option(
            names = "--phys-base",
            paramLabel = "ADDR",
            description = "where the runtime sees the pool (default 0x37000000)")
    String physBase = "0x37000000";

    @Option(names = "--layout", paramLabel = "dtb|packed", description = "pool layout (default dtb)")
    String layout = "dtb";

    @Option(
            names = "--doorbell",
            paramLabel = "SPEC",
            description = "fifo:PATH, umb:DEV, uio:DEV[,irq-...], poll[:T] (default fifo:/dev/shm/hvl9p-NAME)")
    String doorbell;

    @Option(
            names = "--9p",
            paramLabel = "EXPORT[:MEM]",
            description =
                    "a virtio-9p device for an export, tag = export name; MEM = its block size in the dtb layout (default 2M)")
    List<String> ninep = new ArrayList<>();

    @Option(names = "--console", description = "a virtio-console device; its lines go to standard output")
    boolean console;

    @Option(
            names = "--console-log",
            paramLabel = "FILE",
            description = "also append console lines to FILE, timestamped")
    Path consoleLog;

    @Option(
            names = "--console-socket",
            paramLabel = "PATH",
            description = "a Unix socket to attach to the console: clients see its lines and type its input")
    Path consoleSocket;

    @Option(
            names = "--poll-time",
            paramLabel = "T",
            description = "keep polling this long after work before sleeping on the doorbell (default 50us; 0: off)")
    String pollTime = "50us";

    /**
     * The runtime these options describe.
     *
     * @throws IllegalArgumentException naming the runtime and the option that is wrong
     */
    RuntimeSpec toSpec() {
        try {
            return spec();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw m.startsWith("runtime " + name + " ") || m.startsWith("runtime name ")
                    ? e
                    : new IllegalArgumentException("--runtime " + name + ": " + m, e);
        }
    }

    private RuntimeSpec spec() {
        List<RuntimeSpec.NinePSpec> devices = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String n : ninep) {
            int colon = n.indexOf(':');
            String export = colon < 0 ? n : n.substring(0, colon);
            int mem = RuntimeSpec.DEFAULT_9P_MEMORY;
            if (colon >= 0) {
                long v = Units.size("--9p " + export + " memory", n.substring(colon + 1));
                if (v < 0x1000 || v > Integer.MAX_VALUE || v % 0x1000 != 0) {
                    throw new IllegalArgumentException(
                            "--9p " + n + ": memory " + v + " (expected: 4K to 2G, a multiple of 4 KiB)");
                }
                mem = (int) v - 0x200; // the block is header + memory, a multiple of 4 KiB
            }
            if (export.isEmpty()) {
                throw new IllegalArgumentException("--9p \"" + n + "\" (expected: EXPORT or EXPORT:MEMORY)");
            }
            if (!seen.add(export)) {
                throw new IllegalArgumentException("--9p " + export + " given twice (one device per export)");
            }
            devices.add(new RuntimeSpec.NinePSpec(export, mem));
        }
        PoolLayout.Kind kind =
                switch (layout.toLowerCase(Locale.ROOT)) {
                    case "dtb" -> PoolLayout.Kind.DTB;
                    case "packed" -> PoolLayout.Kind.PACKED;
                    default -> throw new IllegalArgumentException("--layout " + layout + " (expected: dtb or packed)");
                };
        return new RuntimeSpec(
                name,
                pool,
                size == null ? 0 : Units.size("--pool-size", size),
                Units.address("--phys-base", physBase),
                kind,
                doorbell,
                devices,
                console,
                RuntimeSpec.DEFAULT_CONSOLE_MEMORY,
                consoleLog,
                true,
                consoleSocket,
                Units.duration("--poll-time", pollTime));
    }
}

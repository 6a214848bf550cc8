package io.hvl9p.daemon.runtime;

import io.hvl9p.transport.layout.PoolLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One auxiliary runtime as the daemon serves it: its pool, doorbell and devices (hvl-transport.md
 * sections 1, 2 and 5). Built from command-line options until the configuration file (issue 5).
 *
 * @param name the runtime's name (console prefix, log and thread names)
 * @param backing {@code shm:NAME} (a file in /dev/shm the daemon creates) or {@code uio:/dev/uioN}
 * @param size pool size in bytes; 0 picks the smallest that holds the devices
 * @param physBase where the runtime sees the pool
 * @param layout {@code dtb} or {@code packed}
 * @param doorbell a doorbell spec ({@code fifo:PATH}, {@code umb:DEV}, {@code uio:...}, {@code poll[:T]})
 * @param ninep the 9p devices, one per export
 * @param console whether the runtime has a console device
 * @param consoleMemory the console's device memory in the dtb layout
 * @param consoleLog a log file for the console output, or null
 * @param consoleStdout whether console lines go to standard output, prefixed with the runtime's name
 * @param consoleSocket a Unix socket whose clients see the console and type its input, or null
 * @param pollTime the controller's polling after work (hvl-transport.md 4.8)
 */
public record RuntimeSpec(
        String name,
        String backing,
        long size,
        long physBase,
        PoolLayout.Kind layout,
        String doorbell,
        List<NinePSpec> ninep,
        boolean console,
        int consoleMemory,
        Path consoleLog,
        boolean consoleStdout,
        Path consoleSocket,
        Duration pollTime) {

    /** A 24 KiB block, the reference size (hvl-transport.md section 2). */
    public static final int DEFAULT_CONSOLE_MEMORY = 0x6000 - 0x200;
    /** 2 MiB blocks: an msize of about 1 MiB. */
    public static final int DEFAULT_9P_MEMORY = 0x200000 - 0x200;

    /**
     * One 9p device.
     *
     * @param export the name of the export it serves; also its mount tag
     * @param memory its device memory in the dtb layout
     */
    public record NinePSpec(String export, int memory) {
        public NinePSpec {
            Objects.requireNonNull(export, "export");
        }
    }

    public RuntimeSpec {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("runtime name \"" + name
                    + "\" (expected: 1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit)");
        }
        ninep = List.copyOf(ninep);
        if (ninep.isEmpty() && !console) {
            throw new IllegalArgumentException(
                    "runtime " + name + " has no devices (expected: --9p EXPORT and/or --console)");
        }
        if (backing == null) {
            backing = "shm:hvl9p-" + name;
        }
        if (doorbell == null) {
            doorbell = "fifo:/dev/shm/hvl9p-" + name;
        }
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(pollTime, "pollTime");
    }
}

package io.hvl9p.exports.config;

import io.hvl9p.exports.policy.ExportPolicy;
import io.hvl9p.server.net.ListenAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole daemon as one configuration file describes it (docs/exports.md): its runtimes with
 * their exports, and its socket listeners. Immutable and validated: every runtime name, export tag
 * within a runtime, pool, doorbell and listener address is unique, every host path was a directory
 * when the file was loaded, every listener names a runtime with exports.
 *
 * @param file the file it was read from
 * @param runtimes the runtimes in file order
 * @param listeners the socket listeners in file order
 */
public record DaemonConfig(Path file, List<RuntimeConfig> runtimes, List<ListenerConfig> listeners) {
    public DaemonConfig {
        Objects.requireNonNull(file, "file");
        runtimes = List.copyOf(runtimes);
        listeners = List.copyOf(listeners);
    }

    /** The runtime called {@code name}. */
    public Optional<RuntimeConfig> runtime(String name) {
        return runtimes.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** How many exports all runtimes have together. */
    public int exportCount() {
        return runtimes.stream().mapToInt(r -> r.exports().size()).sum();
    }

    /** The pool layouts of hvl-transport.md section 2. */
    public enum Layout {
        DTB,
        PACKED
    }

    /**
     * One auxiliary runtime: its pool, doorbell, console and exports (one virtio-9p device each, in
     * file order, then the console).
     *
     * @param name its name (console prefix, log and thread names); also what listeners refer to
     * @param line the line of its {@code [[runtime]]} header
     * @param pool {@code shm:NAME} or {@code uio:/dev/uioN}
     * @param size the pool size in bytes, a multiple of 4 KiB, or 0 for the smallest that holds the devices
     * @param physBase where the runtime sees the pool, 4 KiB aligned
     * @param layout dtb or packed
     * @param doorbell a doorbell spec: {@code fifo:PATH}, {@code umb:DEV}, {@code uio:...} or {@code poll[:T]}
     * @param pollTime the controller's polling after work
     * @param console its console device, or null for none
     * @param exports its exports in file order
     */
    public record RuntimeConfig(
            String name,
            int line,
            String pool,
            long size,
            long physBase,
            Layout layout,
            String doorbell,
            Duration pollTime,
            ConsoleConfig console,
            List<ExportConfig> exports) {
        public RuntimeConfig {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(doorbell, "doorbell");
            Objects.requireNonNull(pollTime, "pollTime");
            exports = List.copyOf(exports);
        }

        /** The export policies, in device order. */
        public List<ExportPolicy> policies() {
            return exports.stream().map(ExportConfig::policy).toList();
        }
    }

    /**
     * A runtime's console device.
     *
     * @param line the line of its {@code [runtime.console]} header
     * @param stdout whether its lines go to standard output, prefixed with the runtime's name
     * @param log a file its lines are appended to, timestamped, or null
     * @param socket a Unix socket whose clients see its lines and type its input, or null
     * @param memory its device memory in the dtb layout (the block minus the 0x200 register header)
     */
    public record ConsoleConfig(int line, boolean stdout, Path log, Path socket, int memory) {}

    /**
     * One export of a runtime: its policy and its virtio-9p device.
     *
     * @param line the line of its {@code [[runtime.export]]} header
     * @param policy what socket clients and the runtime's device may do
     * @param memory the device memory in the dtb layout (the block minus the 0x200 register header)
     */
    public record ExportConfig(int line, ExportPolicy policy, int memory) {
        public ExportConfig {
            Objects.requireNonNull(policy, "policy");
        }
    }

    /**
     * A socket listener. Its clients reach the exports of {@code runtime}, under the same policies as
     * the runtime's own devices.
     *
     * @param line the line of its {@code [[listener]]} header
     * @param address where it listens
     * @param runtime the name of the runtime whose exports it serves
     */
    public record ListenerConfig(int line, ListenAddress address, String runtime) {
        public ListenerConfig {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(runtime, "runtime");
        }
    }
}

package io.hvl9p.daemon;

import io.hvl9p.transport.layout.DevicePlacement;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hvl9p dt FILE}: the device tree source that goes with the configuration file's pools,
 * placed by the same {@link PoolLayout} the daemon uses (hvl-transport.md sections 1 and 2).
 */
@Command(
        name = "dt",
        description = {
            "Print device tree source (DTS) for the pools of FILE, placed exactly as the",
            "daemon places them.",
            "--side runtime (default): what the auxiliary runtime's build needs: the pool",
            "  as a no-map reserved-memory region and one virtio,mmio node per device (in",
            "  the dtb layout the same nodes as the FDT at the start of the pool).",
            "--side linux: what Linux needs: the pools as no-map reserved memory and one",
            "  generic-uio node per pool for uio_pdrv_genirq (of_id=generic-uio).",
            "Compile with: dtc -I dts -O dtb -o out.dtb FILE.dts"
        },
        mixinStandardHelpOptions = true)
final class DtCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the configuration file")
    Path file;

    @Option(
            names = "--runtime",
            paramLabel = "NAME",
            description = "the runtime (needed for --side runtime when FILE has several; --side linux: all by default)")
    String runtime;

    @Option(names = "--side", paramLabel = "runtime|linux", description = "whose device tree (default runtime)")
    String side = "runtime";

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (!side.equals("runtime") && !side.equals("linux")) {
            err.println("hvl9p dt: --side " + side + " (expected: runtime or linux)");
            return 2;
        }
        ConfigCommand.Loaded l = ConfigCommand.load(file, err);
        if (l == null) {
            return 1;
        }
        List<ConfiguredRuntime> chosen = l.runtimes();
        if (runtime != null) {
            chosen = chosen.stream()
                    .filter(r -> r.config().name().equals(runtime))
                    .toList();
            if (chosen.isEmpty()) {
                err.println("hvl9p dt: no runtime " + runtime + " in " + file + " (expected one of: "
                        + String.join(
                                ", ",
                                l.runtimes().stream()
                                        .map(r -> r.config().name())
                                        .toList()) + ")");
                return 2;
            }
        } else if (side.equals("runtime") && chosen.size() > 1) {
            err.println("hvl9p dt: " + file + " has " + chosen.size() + " runtimes (expected: --runtime one of "
                    + String.join(
                            ", ", chosen.stream().map(r -> r.config().name()).toList()) + ")");
            return 2;
        }
        out.print(side.equals("runtime") ? runtimeSide(file, chosen.getFirst()) : linuxSide(file, chosen));
        out.flush();
        return 0;
    }

    /** The runtime's side: its pool region and a virtio,mmio node per device. */
    static String runtimeSide(Path file, ConfiguredRuntime r) {
        PoolLayout p = r.layout();
        String name = r.config().name();
        StringBuilder b = new StringBuilder();
        b.append("/dts-v1/;\n\n");
        b.append("/*\n");
        b.append(" * hvl9p dt --side runtime: runtime ")
                .append(name)
                .append(" of ")
                .append(file)
                .append('\n');
        b.append(String.format(
                " * pool %s, layout %s, 0x%x bytes at 0x%x, doorbell %s%n",
                r.config().pool(), kind(p), p.size(), p.physBase(), r.config().doorbell()));
        if (p.kind() == PoolLayout.Kind.DTB) {
            b.append(" * The virtio nodes are the ones of the FDT the daemon writes at the start of the pool.\n");
        } else {
            b.append(String.format(
                    " * Packed layout: the vrings and buffers go in the shared area [0x%x, 0x%x).%n",
                    p.physBase() + PoolLayout.PACKED_HEADER_AREA, p.physBase() + p.size()));
        }
        b.append(" * Interrupts are platform-specific and not described here.\n");
        b.append(" */\n");
        b.append("/ {\n");
        b.append("\t#address-cells = <2>;\n\t#size-cells = <2>;\n\n");
        reservedMemory(b, List.of(r), "hvl9p-pool");
        for (DevicePlacement d : p.devices()) {
            b.append(String.format(
                    "%n\t/* %s: registers 0x%x, device memory 0x%x + 0x%x */%n",
                    what(r, d.index()), d.headerPa(), d.memoryPa(), d.memorySize()));
            b.append("\tvirtio@").append(Long.toHexString(d.headerPa())).append(" {\n");
            b.append("\t\tcompatible = \"virtio,mmio\";\n");
            b.append("\t\treg = ")
                    .append(cells(d.headerPa(), PoolLayout.HEADER_SIZE))
                    .append(";\n");
            b.append("\t\tdma-coherent;\n");
            b.append("\t};\n");
        }
        b.append("};\n");
        return b.toString();
    }

    /** Linux's side: each pool as no-map reserved memory and a generic-uio node over it. */
    static String linuxSide(Path file, List<ConfiguredRuntime> runtimes) {
        StringBuilder b = new StringBuilder();
        b.append("/dts-v1/;\n\n");
        b.append("/*\n");
        b.append(" * hvl9p dt --side linux: the pools of ").append(file).append('\n');
        b.append(" * Bind the generic-uio nodes with uio_pdrv_genirq: modprobe uio_pdrv_genirq of_id=generic-uio\n");
        b.append(" * (or uio_pdrv_genirq.of_id=generic-uio on the kernel command line). Each pool is then map 0\n");
        b.append(" * of the /dev/uioN whose /sys/class/uio/uioN/name is the node's name; set the runtime's\n");
        b.append(" * pool = \"uio:/dev/uioN\". Doorbell interrupts are platform-specific and not described here.\n");
        b.append(" */\n");
        b.append("/ {\n");
        b.append("\t#address-cells = <2>;\n\t#size-cells = <2>;\n\n");
        reservedMemory(b, runtimes, "hvl9p-" + "%s" + "-pool");
        for (ConfiguredRuntime r : runtimes) {
            PoolLayout p = r.layout();
            b.append(String.format(
                    "%n\t/* runtime %s: pool %s */%n",
                    r.config().name(), r.config().pool()));
            b.append("\t")
                    .append(nodeName(r))
                    .append('@')
                    .append(Long.toHexString(p.physBase()))
                    .append(" {\n");
            b.append("\t\tcompatible = \"generic-uio\";\n");
            b.append("\t\treg = ").append(cells(p.physBase(), p.size())).append(";\n");
            b.append("\t\tmemory-region = <&").append(label(r)).append(">;\n");
            b.append("\t};\n");
        }
        b.append("};\n");
        return b.toString();
    }

    private static void reservedMemory(StringBuilder b, List<ConfiguredRuntime> runtimes, String childName) {
        b.append("\treserved-memory {\n");
        b.append("\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n");
        for (ConfiguredRuntime r : runtimes) {
            PoolLayout p = r.layout();
            String n = childName.contains("%s")
                    ? String.format(childName, safe(r.config().name()))
                    : childName;
            b.append("\n\t\t").append(label(r)).append(": ").append(n).append('@');
            b.append(Long.toHexString(p.physBase())).append(" {\n");
            b.append("\t\t\treg = ").append(cells(p.physBase(), p.size())).append(";\n");
            b.append("\t\t\tno-map;\n");
            b.append("\t\t};\n");
        }
        b.append("\t};\n");
    }

    private static String what(ConfiguredRuntime r, int index) {
        int n = r.config().exports().size();
        return index < n
                ? "9p tag \"" + r.config().exports().get(index).policy().name() + "\""
                : "console";
    }

    private static String kind(PoolLayout p) {
        return p.kind().name().toLowerCase(Locale.ROOT);
    }

    /** {@code <hi lo hi lo>} for #address-cells = #size-cells = 2. */
    static String cells(long address, long size) {
        return String.format(
                "<0x%x 0x%x 0x%x 0x%x>", address >>> 32, address & 0xffffffffL, size >>> 32, size & 0xffffffffL);
    }

    /** A node name for the runtime: its name is already of node-name characters (A-Z a-z 0-9 _ . -). */
    private static String nodeName(ConfiguredRuntime r) {
        return "hvl9p-" + safe(r.config().name());
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9,._+-]", "_");
    }

    /** A label: letters, digits and underscores. */
    private static String label(ConfiguredRuntime r) {
        return "hvl9p_" + r.config().name().replaceAll("[^A-Za-z0-9_]", "_") + "_pool";
    }
}

package io.hvl9p.transport.layout;

import io.hvl9p.transport.fdt.FdtWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where everything goes in a pool (hvl-transport.md section 2), computed once from trusted
 * configuration and immutable.
 *
 * <ul>
 *   <li>{@link Kind#DTB}: an FDT at offset 0 (at most 64 KiB), then from 0x10000 one block per device,
 *       in order: {@code [register header 0x200][device memory]}, each block a multiple of 4 KiB.
 *   <li>{@link Kind#PACKED}: register headers at 0x000, 0x200, ... inside a reserved first 4 KiB (so
 *       at most 8 devices); the rest of the pool is one area shared by all devices.
 * </ul>
 *
 * <p>In both layouts the config space is at header + 0x100. (The reference back-end puts the config
 * space of device n ≥ 1 elsewhere in the packed layout; that bug is deliberately not reproduced.)
 */
public final class PoolLayout {
    /** The two layouts of hvl-transport.md section 2. */
    public enum Kind {
        DTB,
        PACKED
    }

    /** Page size: pool base, pool size and every dtb block are multiples of it. */
    public static final int PAGE_SIZE = 0x1000;
    /** The virtio-mmio register header of each device. */
    public static final int HEADER_SIZE = 0x200;
    /** Config space offset within a header, in both layouts. */
    public static final int CONFIG_OFFSET = 0x100;
    /** The FDT area of the dtb layout; the first device block starts here. */
    public static final int FDT_AREA_SIZE = 0x10000;
    /** The reserved header area of the packed layout. */
    public static final int PACKED_HEADER_AREA = PAGE_SIZE;
    /** The most devices the packed layout holds. */
    public static final int PACKED_MAX_DEVICES = PACKED_HEADER_AREA / HEADER_SIZE;

    private final Kind kind;
    private final long physBase;
    private final long size;
    private final List<DevicePlacement> devices;
    private final byte[] fdt;

    private PoolLayout(Kind kind, long physBase, long size, List<DevicePlacement> devices, byte[] fdt) {
        this.kind = kind;
        this.physBase = physBase;
        this.size = size;
        this.devices = List.copyOf(devices);
        this.fdt = fdt;
    }

    /** The layout of the given kind. */
    public static PoolLayout of(Kind kind, long physBase, long size, List<DeviceSpec> devices) {
        return switch (Objects.requireNonNull(kind, "kind")) {
            case DTB -> dtb(physBase, size, devices);
            case PACKED -> packed(physBase, size, devices);
        };
    }

    /**
     * The {@code dtb} layout.
     *
     * @throws IllegalArgumentException if the pool is malformed (no devices, base not 4 KiB aligned, size not a positive multiple of 4 KiB, or base + size overflowing), a block is
     *     not a multiple of 4 KiB, or the blocks do not fit
     */
    public static PoolLayout dtb(long physBase, long size, List<DeviceSpec> devices) {
        List<DeviceSpec> specs = checkPool(physBase, size, devices);
        List<DevicePlacement> placed = new ArrayList<>();
        long next = FDT_AREA_SIZE;
        for (int i = 0; i < specs.size(); i++) {
            DeviceSpec d = specs.get(i);
            long block = (long) HEADER_SIZE + d.memorySize();
            if (block % PAGE_SIZE != 0) {
                throw new IllegalArgumentException(String.format(
                        "device %d: block of 0x%x bytes (header 0x%x + memorySize 0x%x) is not a multiple of 4 KiB"
                                + " (expected memorySize: 0x%x or 0x%x)",
                        i,
                        block,
                        HEADER_SIZE,
                        d.memorySize(),
                        Math.max(0, block / PAGE_SIZE * PAGE_SIZE - HEADER_SIZE),
                        (block / PAGE_SIZE + 1) * PAGE_SIZE - HEADER_SIZE));
            }
            if (block > size - next) { // next <= size, so this cannot overflow
                long end = next + block;
                throw new IllegalArgumentException(String.format(
                        "device %d: block [0x%x, 0x%x) does not fit in the pool of 0x%x bytes", i, next, end, size));
            }
            long end = next + block;
            placed.add(new DevicePlacement(
                    i, d, physBase, next, next + CONFIG_OFFSET, next + HEADER_SIZE, d.memorySize()));
            next = end;
        }
        byte[] fdt = buildFdt(placed);
        if (fdt.length > FDT_AREA_SIZE) {
            throw new IllegalArgumentException(String.format(
                    "FDT of %d bytes does not fit its area (expected: <= 0x%x)", fdt.length, FDT_AREA_SIZE));
        }
        return new PoolLayout(Kind.DTB, physBase, size, placed, fdt);
    }

    /**
     * The {@code packed} layout. Every device's memory is the shared area {@code [0x1000, size)}.
     *
     * @throws IllegalArgumentException if the pool is malformed (no devices, base not 4 KiB aligned, size not a positive multiple of 4 KiB, or base + size overflowing), there are
     *     more than 8 devices, or no room is left for the shared area
     */
    public static PoolLayout packed(long physBase, long size, List<DeviceSpec> devices) {
        List<DeviceSpec> specs = checkPool(physBase, size, devices);
        if (specs.size() > PACKED_MAX_DEVICES) {
            throw new IllegalArgumentException(String.format(
                    "%d devices do not fit the packed layout's 4 KiB header area (expected: <= %d)",
                    specs.size(), PACKED_MAX_DEVICES));
        }
        if (size <= PACKED_HEADER_AREA) {
            throw new IllegalArgumentException(String.format(
                    "pool of 0x%x bytes leaves no shared area after the 4 KiB header area (expected: > 0x%x)",
                    size, PACKED_HEADER_AREA));
        }
        List<DevicePlacement> placed = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            long header = (long) i * HEADER_SIZE;
            placed.add(new DevicePlacement(
                    i,
                    specs.get(i),
                    physBase,
                    header,
                    header + CONFIG_OFFSET,
                    PACKED_HEADER_AREA,
                    size - PACKED_HEADER_AREA));
        }
        return new PoolLayout(Kind.PACKED, physBase, size, placed, null);
    }

    /**
     * Checks what both layouts need: at least one device, a 4 KiB-aligned non-negative base, a positive
     * size that is a multiple of 4 KiB, and {@code physBase + size} not overflowing.
     */
    private static List<DeviceSpec> checkPool(long physBase, long size, List<DeviceSpec> devices) {
        List<DeviceSpec> specs = List.copyOf(Objects.requireNonNull(devices, "devices"));
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no devices (expected: at least one)");
        }
        if (physBase < 0 || physBase % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(String.format(
                    "phys base 0x%x is not 4 KiB aligned (expected: a non-negative multiple of 0x1000)", physBase));
        }
        if (size <= 0 || size % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(
                    String.format("pool size 0x%x (expected: a positive multiple of 4 KiB)", size));
        }
        if (physBase > Long.MAX_VALUE - size) {
            throw new IllegalArgumentException(
                    String.format("pool [0x%x, +0x%x) overflows the 64-bit physical address space", physBase, size));
        }
        return specs;
    }

    private static byte[] buildFdt(List<DevicePlacement> devices) {
        FdtWriter w = FdtWriter.root().prop("#address-cells", 2).prop("#size-cells", 2);
        for (DevicePlacement d : devices) {
            w.node("virtio@" + Long.toHexString(d.headerPa()))
                    .prop("compatible", "virtio,mmio")
                    .prop("reg", new long[] {d.headerPa(), HEADER_SIZE})
                    .prop("dma-coherent")
                    .end();
        }
        return w.toBytes();
    }

    public Kind kind() {
        return kind;
    }

    public long physBase() {
        return physBase;
    }

    public long size() {
        return size;
    }

    /** The devices in configured order. */
    public List<DevicePlacement> devices() {
        return devices;
    }

    /** The device at {@code index} in configured order. */
    public DevicePlacement device(int index) {
        return devices.get(index);
    }

    /** A copy of the FDT blob to write at offset 0 for {@code dtb}; empty for {@code packed}. */
    public Optional<byte[]> fdt() {
        return fdt == null ? Optional.empty() : Optional.of(fdt.clone());
    }
}

package io.hvl9p.transport.layout;

/**
 * Where one device lives in its pool. Offsets are from the pool's start; {@code pa} values are what
 * the front-end sees ({@code physBase + offset}).
 *
 * @param index the device's position in the configured list
 * @param spec the device as configured
 * @param headerOffset the 0x200-byte virtio-mmio register header
 * @param configOffset the device config space, always {@code headerOffset + 0x100}
 *     (hvl-transport.md section 4, item 9)
 * @param memoryOffset the device memory: its own in {@code dtb}, the shared area in {@code packed}
 * @param memorySize the size of that memory
 */
public record DevicePlacement(
        int index,
        DeviceSpec spec,
        long physBase,
        long headerOffset,
        long configOffset,
        long memoryOffset,
        long memorySize) {

    /** The register header's physical address, as in the FDT's {@code reg} and node name. */
    public long headerPa() {
        return physBase + headerOffset;
    }

    /** The config space's physical address. */
    public long configPa() {
        return physBase + configOffset;
    }

    /** The device memory's physical address. */
    public long memoryPa() {
        return physBase + memoryOffset;
    }
}

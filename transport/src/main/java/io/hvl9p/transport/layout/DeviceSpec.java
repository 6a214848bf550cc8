package io.hvl9p.transport.layout;

/**
 * One device of a pool, from trusted configuration (hvl-transport.md section 1).
 *
 * @param deviceId the virtio device ID (virtio 1.2 section 5: 3 console, 9 9p, ...), positive
 * @param memorySize in the {@code dtb} layout, the bytes of device memory after the 0x200-byte
 *     register header; {@code 0x200 + memorySize} must be a multiple of 4 KiB (so a 24 KiB block is
 *     {@code memorySize = 0x5e00}). Not used for placement in the {@code packed} layout, where all
 *     devices share one area; it must still be non-negative
 */
public record DeviceSpec(int deviceId, int memorySize) {
    public DeviceSpec {
        if (deviceId <= 0) {
            throw new IllegalArgumentException("deviceId " + deviceId + " (expected: > 0, a virtio device ID)");
        }
        if (memorySize < 0) {
            throw new IllegalArgumentException("memorySize " + memorySize + " (expected: >= 0)");
        }
    }
}

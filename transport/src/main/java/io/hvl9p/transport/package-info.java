/**
 * The hypervisor-less virtio-mmio shared-memory transport; no 9P knowledge (issue 4).
 *
 * <p>Implemented so far: guest memory ({@code io.hvl9p.transport.memory}), split virtqueues
 * ({@code io.hvl9p.transport.virtq}), pools in {@code /dev/shm} and UIO ({@code
 * io.hvl9p.transport.pool}; UIO untested without a device), the {@code dtb} and {@code packed}
 * layouts ({@code io.hvl9p.transport.layout}), the FDT writer ({@code io.hvl9p.transport.fdt}),
 * the register offsets ({@code io.hvl9p.transport.mmio}) and the doorbells ({@code
 * io.hvl9p.transport.doorbell}: {@code fifo} and {@code poll} tested, {@code umb} and {@code uio}
 * untested without their devices). Not implemented yet: the register protocol's state machine, the
 * driver-side simulator and the devices.
 */
package io.hvl9p.transport;

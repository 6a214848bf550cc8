/**
 * The hypervisor-less virtio-mmio shared-memory transport; no 9P knowledge (issue 4,
 * hvl-transport.md, docs/transport.md).
 *
 * <ul>
 *   <li>{@code memory}: guest memory, bounds-checked translation, acquire/release accessors;
 *   <li>{@code pool}: pools in {@code /dev/shm} and UIO (UIO untested without a device);
 *   <li>{@code layout}, {@code fdt}: the {@code dtb} and {@code packed} layouts, the FDT writer;
 *   <li>{@code virtq}: split virtqueues validated for a hostile driver;
 *   <li>{@code mmio}: the back-end of the register protocol ({@code PoolController}) and the
 *       device SPI ({@code VirtioDevice});
 *   <li>{@code doorbell}: {@code fifo}, {@code poll} (tested), {@code umb}, {@code uio} (untested
 *       without their devices);
 *   <li>{@code driver}: the driver side (front-end role) for tests and the runtime simulator.
 * </ul>
 */
package io.hvl9p.transport;

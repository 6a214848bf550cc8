/**
 * The hypervisor-less virtio-mmio shared-memory transport; no 9P knowledge (issue 4).
 *
 * <p>Implemented so far: guest memory ({@code io.hvl9p.transport.memory}) and split virtqueues
 * ({@code io.hvl9p.transport.virtq}). Not implemented yet: pools in {@code /dev/shm} and UIO, the
 * layouts and FDT writer, the register protocol, doorbells and the devices.
 */
package io.hvl9p.transport;

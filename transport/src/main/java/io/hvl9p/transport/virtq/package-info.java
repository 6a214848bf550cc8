/**
 * Split virtqueues (virtio 1.2 section 2.7) on the device side, built for a hostile driver: ring
 * state in {@link io.hvl9p.transport.virtq.SplitQueue} with memory passed into every call (the
 * rust-vmm model), validated {@link io.hvl9p.transport.virtq.DescriptorChain}s with copy-then-parse
 * helpers, and {@link io.hvl9p.transport.virtq.QueueException} for every broken ring (the device
 * goes to DEVICE_NEEDS_RESET; never a 9P error). No 9P knowledge.
 *
 * <p>Implemented: legacy and explicit ring layouts, pop with the avail-index jump check, descriptor
 * chain validation (TTL, indirect tables, bounds, overflow, readable-before-writable), readAll,
 * writeAll, addUsed. The event index feature
 * (VIRTIO_RING_F_EVENT_IDX) is not offered: legacy front-ends here do not use it; notification
 * suppression uses the ring flags ({@code io.hvl9p.transport.mmio}).
 */
package io.hvl9p.transport.virtq;

package io.hvl9p.transport.virtq;

/**
 * One validated descriptor of a chain (virtio 1.2 section 2.7.5), copied out of the table so the
 * driver cannot change it afterwards.
 *
 * @param addr guest physical address of the buffer, inside guest memory
 * @param len length in bytes (unsigned 32-bit, held in a {@code long})
 * @param writable whether the device may write it (VIRTQ_DESC_F_WRITE)
 */
public record Descriptor(long addr, long len, boolean writable) {}

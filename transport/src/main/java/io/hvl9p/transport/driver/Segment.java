package io.hvl9p.transport.driver;

/**
 * One buffer of a descriptor chain as the driver hands it to the device: a guest physical address
 * and a length (virtio 1.2 section 2.7.5, {@code struct virtq_desc} without flags).
 *
 * @param pa guest physical address, inside the pool
 * @param len length in bytes, {@code >= 1}
 */
public record Segment(long pa, int len) {
    public Segment {
        if (len <= 0) {
            throw new IllegalArgumentException("segment length " + len + " (expected: >= 1)");
        }
    }
}

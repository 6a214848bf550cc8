package io.hvl9p.transport.driver;

/**
 * A block of device memory handed out by {@link DeviceMemory#alloc}; give it back with {@link
 * DeviceMemory#free}.
 *
 * @param pa guest physical address of the first byte
 * @param len the length asked for
 */
public record Buffer(long pa, int len) {
    /** The buffer as one descriptor segment. */
    public Segment segment() {
        return new Segment(pa, len);
    }
}

package io.hvl9p.transport.memory;

/**
 * An access to guest memory that the pool does not cover: below the physical base, beyond its end,
 * an address range whose end overflows 64 bits, or a misaligned atomic access. The addresses come
 * from an untrusted front-end, so this is expected input, not a bug of the back-end.
 */
public final class GuestMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message naming the address, length and the pool's bounds. */
    public GuestMemoryException(String message) {
        super(message);
    }
}

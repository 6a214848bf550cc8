package io.hvl9p.transport.virtq;

/**
 * A virtqueue the driver has broken: a malformed ring or descriptor chain. The device must stop
 * using the queue and set DEVICE_NEEDS_RESET (virtio 1.2 section 2.1.2); it is never turned into a
 * protocol-level (9P) error.
 */
public final class QueueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception whose message says what was found and what was expected. */
    public QueueException(String message) {
        super(message);
    }

    /** An exception caused by, for example, a refused guest-memory access. */
    public QueueException(String message, Throwable cause) {
        super(message, cause);
    }
}

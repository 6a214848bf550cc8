package io.hvl9p.transport.driver;

import java.io.IOException;

/**
 * The device broke the protocol as the driver sees it: a register or ring value no correct
 * back-end writes (wrong magic or version, no device memory, a used index that jumps more than the
 * queue size, a used id that is not an outstanding head, a used length beyond the chain's writable
 * bytes). The device is untrusted from the driver's side too (hvl-transport.md section 4.4 mirrored).
 */
public class DeviceException extends IOException {
    private static final long serialVersionUID = 1L;

    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.hvl9p.transport.driver;

import java.io.IOException;

/**
 * The device memory (the SHMBase/SHMLen area) has no free block large enough. Rings and buffers
 * must lie in it (hvl-transport.md section 3, "Buffers"), so the driver cannot fall back to other
 * memory; the request has to wait, shrink, or the pool's blocks have to grow.
 */
public class OutOfDeviceMemoryException extends IOException {
    private static final long serialVersionUID = 1L;

    public OutOfDeviceMemoryException(String message) {
        super(message);
    }
}

package io.hvl9p.transport.mmio;

/**
 * A snapshot of one device as the back-end sees it, for logs, tests and status commands.
 *
 * @param index position in the pool
 * @param name the device's name
 * @param deviceId virtio device ID
 * @param status the last Status value the back-end acted on
 * @param running DRIVER_OK seen and the device live
 * @param needsReset DEVICE_NEEDS_RESET set because the driver broke something
 * @param reason why, if {@code needsReset}
 * @param queuesConfigured queues set up in the current generation
 * @param generation how many times the device went live
 * @param acks QueuePFN acknowledgements written
 * @param resets Status = 0 seen
 * @param reinits re-initialisations detected (Status going down)
 * @param needsResets times the device went to DEVICE_NEEDS_RESET
 */
public record DeviceState(
        int index,
        String name,
        int deviceId,
        int status,
        boolean running,
        boolean needsReset,
        String reason,
        int queuesConfigured,
        int generation,
        long acks,
        long resets,
        long reinits,
        long needsResets) {}

package io.hvl9p.transport.driver;

/**
 * The device did not answer in time: no QueuePFN acknowledgement within the ack timeout
 * (hvl-transport.md section 3, step 3: OpenAMP gives up after about 4 s), or no completion of a
 * call within its timeout.
 */
public class DeviceTimeoutException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public DeviceTimeoutException(String message) {
        super(message);
    }
}

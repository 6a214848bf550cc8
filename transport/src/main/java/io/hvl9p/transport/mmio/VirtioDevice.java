package io.hvl9p.transport.mmio;

/**
 * What a device (virtio-9p, virtio-console) tells the register protocol, and the calls it gets
 * from it. The transport knows nothing of what the device does with its chains.
 *
 * <p>Threads: {@link #start}, {@link #available} and {@link #stop} are called on the pool's
 * controller thread, one at a time and in that order for each driver generation. A device may
 * complete chains (and pop them) from any thread through its {@link VirtQueue}s; after {@link
 * #stop} those queues are retired and every call on them is a no-op, so late completions never
 * touch the old rings (hvl-transport.md section 4.3).
 */
public interface VirtioDevice {
    /** The virtio device ID (virtio 1.2 section 5): 9 for 9p, 3 for console. */
    int deviceId();

    /** Feature bits 0 to 31, offered in HostFeatures (only word 0 can be offered, section 3). */
    int hostFeatures();

    /** How many virtqueues the driver must set up before DRIVER_OK. */
    int queueCount();

    /** The largest queue size this device accepts; the pool offers the smallest over its devices' and its own limit. */
    default int queueNumMax() {
        return 256;
    }

    /** The device config space, written at header + 0x100 (at most 0x100 bytes). */
    byte[] config();

    /** A short name for logs, such as {@code 9p:share} or {@code console}. */
    String name();

    /** The driver set DRIVER_OK with every queue configured: the device goes live on {@code ctx}. */
    void start(DeviceContext ctx);

    /** Queue {@code queue} of {@code ctx} has new available entries (the device pops them). */
    void available(DeviceContext ctx, int queue);

    /**
     * The driver reset or re-initialised the device, or it broke: {@code ctx}'s queues are retired.
     * Work in flight is dropped or finished without touching them; this must not block for long.
     */
    void stop(DeviceContext ctx);

    /** The pool is closing for good. */
    default void close() {}
}

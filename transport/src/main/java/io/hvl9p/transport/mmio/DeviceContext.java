package io.hvl9p.transport.mmio;

import io.hvl9p.transport.memory.GuestMemory;
import java.util.List;

/**
 * One driver generation of one device: the queues the driver set up and the features it chose,
 * from DRIVER_OK until reset, re-initialisation or DEVICE_NEEDS_RESET.
 */
public final class DeviceContext {
    private final DeviceSlot slot;
    private final List<VirtQueue> queues;
    private final int guestFeatures;
    private final int generation;

    DeviceContext(DeviceSlot slot, List<VirtQueue> queues, int guestFeatures, int generation) {
        this.slot = slot;
        this.queues = List.copyOf(queues);
        this.guestFeatures = guestFeatures;
        this.generation = generation;
    }

    /** Queue {@code index}, as configured by the driver. */
    public VirtQueue queue(int index) {
        return queues.get(index);
    }

    /** The features the driver wrote into GuestFeatures. */
    public int guestFeatures() {
        return guestFeatures;
    }

    /** Guest memory (the whole pool). */
    public GuestMemory memory() {
        return slot.memory();
    }

    /** Counts up with every DRIVER_OK of this device, for logs. */
    public int generation() {
        return generation;
    }

    /** {@code pool/device}, for logs. */
    public String name() {
        return slot.name();
    }

    /**
     * For work run inline on the controller thread: hands the controller role to a new thread
     * (the work is stuck); callable from any thread. The old thread must then throw {@link
     * #handedOver()} as soon as its work returns.
     */
    public void rescue() {
        slot.pool().rescue();
    }

    /** What a device throws on the old controller thread after {@link #rescue}. */
    public RuntimeException handedOver() {
        return new PoolController.HandedOver();
    }

    /**
     * Reports that the driver broke the device (a malformed request the device cannot answer at
     * all): the device goes to DEVICE_NEEDS_RESET. Callable from any thread.
     */
    public void fail(String reason) {
        slot.failLater(this, reason);
    }
}

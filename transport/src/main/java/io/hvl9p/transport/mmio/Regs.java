package io.hvl9p.transport.mmio;

/**
 * Offsets and values of the legacy (version 1) virtio-mmio register block that hypervisor-less
 * front-ends use (hvl-transport.md section 3; virtio 1.2 section 4.2.4 "Legacy interface"), plus the
 * virtio 1.2 shared-memory registers. Every register is a 32-bit little-endian word.
 */
public final class Regs {
    private Regs() {}

    public static final int MAGIC_VALUE = 0x000;
    public static final int VERSION = 0x004;
    public static final int DEVICE_ID = 0x008;
    public static final int VENDOR_ID = 0x00c;
    public static final int HOST_FEATURES = 0x010;
    public static final int HOST_FEATURES_SEL = 0x014;
    public static final int GUEST_FEATURES = 0x020;
    public static final int GUEST_FEATURES_SEL = 0x024;
    public static final int GUEST_PAGE_SIZE = 0x028;
    public static final int QUEUE_SEL = 0x030;
    public static final int QUEUE_NUM_MAX = 0x034;
    public static final int QUEUE_NUM = 0x038;
    public static final int QUEUE_ALIGN = 0x03c;
    public static final int QUEUE_PFN = 0x040;
    public static final int QUEUE_NOTIFY = 0x050;
    public static final int INTERRUPT_STATUS = 0x060;
    public static final int INTERRUPT_ACK = 0x064;
    public static final int STATUS = 0x070;
    public static final int SHM_SEL = 0x0ac;
    public static final int SHM_LEN_LOW = 0x0b0;
    public static final int SHM_LEN_HIGH = 0x0b4;
    public static final int SHM_BASE_LOW = 0x0b8;
    public static final int SHM_BASE_HIGH = 0x0bc;
    public static final int CONFIG = 0x100;
    /** Size of one register block, config space included. */
    public static final int BLOCK_SIZE = 0x200;

    /** "virt" in little-endian. */
    public static final int MAGIC = 0x74726976;
    /** The legacy interface: the only version these front-ends accept. */
    public static final int LEGACY_VERSION = 1;
    /** Written into QueuePFN by the back-end to acknowledge a queue set-up (section 3, step 3). */
    public static final int PFN_ACK = 0xAABBAABB;
    /** GuestPageSize and QueueAlign: rings are 4 KiB aligned. */
    public static final int PAGE_SIZE = 4096;

    /** InterruptStatus bit 0: the device published used buffers. */
    public static final int INT_VRING = 1;
    /** InterruptStatus bit 1: the configuration changed (DEVICE_NEEDS_RESET is signalled this way). */
    public static final int INT_CONFIG = 2;

    /** Device status bits (virtio 1.2 section 2.1). */
    public static final int S_ACKNOWLEDGE = 1;

    public static final int S_DRIVER = 2;
    public static final int S_DRIVER_OK = 4;
    public static final int S_FEATURES_OK = 8;
    public static final int S_NEEDS_RESET = 0x40;
    public static final int S_FAILED = 0x80;

    /** Split-ring flags (virtio 1.2 section 2.7.6, 2.7.8). */
    public static final int VRING_AVAIL_F_NO_INTERRUPT = 1;

    public static final int VRING_USED_F_NO_NOTIFY = 1;
}

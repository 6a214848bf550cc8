package io.hvl9p.transport.driver;

import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.mmio.Regs;
import io.hvl9p.transport.virtq.SplitQueue;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One device as the front-end drives it through its legacy virtio-mmio register block
 * (hvl-transport.md section 3). {@link #initialize} is the OpenAMP front-end sequence, step for
 * step, including the QueuePFN acknowledgement; {@link #reset} is step 6.
 *
 * <p>Threads: {@link #initialize} and {@link #reset} from one thread at a time (they are
 * synchronised); queues may be used from any thread once initialised.
 */
public final class DriverDevice {
    private static final System.Logger LOG = System.getLogger(DriverDevice.class.getName());

    /** What attach reads once: identity and the SHM registers (section 3, step 1; 3a.9). */
    record Identity(int index, long headerPa, int deviceId, int vendorId, int hostFeatures, long shmBase, long shmLen) {
        static Identity read(int index, Registers regs) throws DeviceException {
            checkMagicVersion(index, regs);
            int deviceId = regs.readReg(Regs.DEVICE_ID);
            int vendorId = regs.readReg(Regs.VENDOR_ID);
            int hostFeatures = regs.readReg(Regs.HOST_FEATURES);
            // OpenAMP reads the high word first, then the low one.
            long lenHigh = Integer.toUnsignedLong(regs.readReg(Regs.SHM_LEN_HIGH));
            long lenLow = Integer.toUnsignedLong(regs.readReg(Regs.SHM_LEN_LOW));
            long baseHigh = Integer.toUnsignedLong(regs.readReg(Regs.SHM_BASE_HIGH));
            long baseLow = Integer.toUnsignedLong(regs.readReg(Regs.SHM_BASE_LOW));
            long len = lenHigh << 32 | lenLow;
            long base = baseHigh << 32 | baseLow;
            if (len == 0 || base == 0) {
                throw new DeviceException(String.format(
                        "device %d at 0x%x: SHMBase 0x%x, SHMLen 0x%x: not in hypervisor-less mode"
                                + " (expected: both non-zero, hvl-transport.md 3a.9)",
                        index, regs.headerPa(), base, len));
            }
            return new Identity(index, regs.headerPa(), deviceId, vendorId, hostFeatures, base, len);
        }
    }

    private final GuestMemory mem;
    private final Registers regs;
    private final Identity id;
    private final DeviceMemory memory;
    private final DriverDoorbell doorbell;
    private final FrontEnd.Options options;
    private final Semaphore irqSignal = new Semaphore(0);
    private final AtomicLong configChanges = new AtomicLong();
    private final AtomicLong handlerRuns = new AtomicLong();
    private volatile List<DriverQueue> queues = List.of();
    private volatile int negotiatedFeatures;
    /** Held by the interrupt thread for a whole round over every device: an ISR runs to completion. */
    private final java.util.concurrent.locks.ReentrantLock isr;

    DriverDevice(
            GuestMemory mem,
            Registers regs,
            Identity id,
            DeviceMemory memory,
            DriverDoorbell doorbell,
            FrontEnd.Options options,
            java.util.concurrent.locks.ReentrantLock isr) {
        this.isr = isr;
        this.mem = mem;
        this.regs = regs;
        this.id = id;
        this.memory = memory;
        this.doorbell = doorbell;
        this.options = options;
    }

    private static void checkMagicVersion(int index, Registers regs) throws DeviceException {
        int magic = regs.readReg(Regs.MAGIC_VALUE);
        if (magic != Regs.MAGIC) {
            throw new DeviceException(String.format(
                    "device %d at 0x%x: magic 0x%08x (expected: 0x%08x \"virt\")",
                    index, regs.headerPa(), magic, Regs.MAGIC));
        }
        int version = regs.readReg(Regs.VERSION);
        if (version != Regs.LEGACY_VERSION) {
            throw new DeviceException(String.format(
                    "device %d at 0x%x: version %d (expected: 1, the legacy interface)",
                    index, regs.headerPa(), version));
        }
    }

    /**
     * Initialises the device with one queue per entry of {@code queueSizes}, exactly as an OpenAMP
     * front-end does (section 3, steps 1-4):
     *
     * <ol>
     *   <li>check magic and version; Status = ACKNOWLEDGE, kick; GuestPageSize = 4096 (no kick);
     *       Status = DRIVER, kick;
     *   <li>HostFeaturesSel = 0, read HostFeatures; GuestFeatures = {@code guestFeatures &
     *       HostFeatures}, kick (also when the value is unchanged);
     *   <li>for each queue in order: QueueSel = i; read QueueNumMax twice; QueueNum = size;
     *       QueueAlign = 4096; allocate the zeroed legacy ring (4 KiB aligned) in device memory;
     *       QueuePFN = pa / 4096, kick; wait for the interrupt handler's signal and QueuePFN =
     *       {@code 0xAABBAABB} (up to the ack timeout); write the real PFN back without a kick;
     *   <li>Status = DRIVER_OK, kick; QueueNotify = i and a kick for every queue.
     * </ol>
     *
     * Status values are written plainly (0x1, 0x2, 0x4) or OR-ed, per {@link FrontEnd.Options#statusMode}.
     * There is no reset first (section 3a.2): queues of an earlier initialisation are forgotten and
     * their rings freed.
     *
     * @throws IllegalArgumentException if a size is not a power of two
     * @throws DeviceException if the device's registers are wrong, a size exceeds QueueNumMax, or the
     *     acknowledgement fails ({@link DeviceTimeoutException} on timeout)
     * @throws OutOfDeviceMemoryException if a ring does not fit in device memory
     */
    public synchronized void initialize(int[] queueSizes, int guestFeatures) throws IOException {
        for (int size : queueSizes) {
            if (size <= 0 || size > SplitQueue.MAX_SIZE || Integer.bitCount(size) != 1) {
                throw new IllegalArgumentException(
                        "queue size " + size + " (expected: a power of two <= " + SplitQueue.MAX_SIZE + ")");
            }
        }
        forgetQueues("re-initialised");
        checkMagicVersion(id.index(), regs);
        // OpenAMP creates its wait semaphore here, empty. On the runtime's single core an ISR runs
        // to completion before this thread goes on; the lock gives the same here, so that the tail
        // of the interrupt round that woke the previous device's set-up cannot leave a permit
        // behind for this one.
        isr.lock();
        try {
            irqSignal.drainPermits();
        } finally {
            isr.unlock();
        }
        writeStatus(Regs.S_ACKNOWLEDGE);
        regs.kick();
        regs.writeReg(Regs.GUEST_PAGE_SIZE, Regs.PAGE_SIZE);
        writeStatus(Regs.S_DRIVER);
        regs.kick();

        regs.writeReg(Regs.HOST_FEATURES_SEL, 0);
        int host = regs.readReg(Regs.HOST_FEATURES);
        negotiatedFeatures = host & guestFeatures;
        regs.writeReg(Regs.GUEST_FEATURES, negotiatedFeatures);
        regs.kick();

        List<DriverQueue> made = new ArrayList<>();
        try {
            for (int q = 0; q < queueSizes.length; q++) {
                made.add(setUpQueue(q, queueSizes[q]));
            }
        } catch (IOException | RuntimeException | Error e) {
            for (DriverQueue dq : made) {
                dq.release(new DeviceException(this + ": initialisation failed"));
            }
            throw e;
        }
        queues = List.copyOf(made);

        writeStatus(Regs.S_DRIVER_OK);
        regs.kick();
        for (int q = 0; q < queueSizes.length; q++) {
            regs.writeReg(Regs.QUEUE_NOTIFY, q);
            regs.kick();
        }
    }

    private DriverQueue setUpQueue(int q, int size) throws IOException {
        regs.writeReg(Regs.QUEUE_SEL, q);
        regs.readReg(Regs.QUEUE_NUM_MAX); // OpenAMP reads it twice
        int max = regs.readReg(Regs.QUEUE_NUM_MAX);
        if (Integer.toUnsignedLong(size) > Integer.toUnsignedLong(max)) {
            throw new DeviceException(
                    this + " queue " + q + ": size " + size + " exceeds QueueNumMax " + Integer.toUnsignedString(max));
        }
        regs.writeReg(Regs.QUEUE_NUM, size);
        regs.writeReg(Regs.QUEUE_ALIGN, Regs.PAGE_SIZE);
        Buffer ring = memory.allocZeroed(SplitQueue.legacyBytes(size, Regs.PAGE_SIZE), Regs.PAGE_SIZE);
        try {
            long pfn = ring.pa() / Regs.PAGE_SIZE;
            if (pfn > 0xFFFF_FFFFL) {
                throw new DeviceException(
                        String.format("%s queue %d: ring at 0x%x has a PFN beyond 32 bits", this, q, ring.pa()));
            }
            regs.writeReg(Regs.QUEUE_PFN, (int) pfn);
            regs.kick();
            awaitAck(q);
            regs.writeReg(Regs.QUEUE_PFN, (int) pfn); // the real PFN back, without a kick
            return new DriverQueue(this, q, size, ring, mem, memory, regs, doorbell, options);
        } catch (IOException | RuntimeException | Error e) {
            memory.free(ring);
            throw e;
        }
    }

    private void awaitAck(int q) throws IOException {
        boolean strict = options.strictAck() && doorbell.interruptsDelivered();
        long timeout = options.ackTimeout().toNanos();
        long deadline = System.nanoTime() + timeout;
        while (true) {
            long left = deadline - System.nanoTime();
            boolean signalled;
            try {
                signalled = left > 0 && irqSignal.tryAcquire(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(this + " queue " + q + ": interrupted waiting for the ACK");
            }
            int pfn = regs.readReg(Regs.QUEUE_PFN);
            if (pfn == Regs.PFN_ACK) {
                return;
            }
            if (!signalled) {
                throw new DeviceTimeoutException(String.format(
                        "%s queue %d: no QueuePFN acknowledgement (0xAABBAABB) within %d ms; QueuePFN reads 0x%08x",
                        this, q, options.ackTimeout().toMillis(), pfn));
            }
            if (strict) {
                throw new DeviceException(String.format(
                        "%s queue %d: interrupt but QueuePFN reads 0x%08x, not the ACK 0xAABBAABB"
                                + " (an OpenAMP front-end fails here too: an ACK must come before its one interrupt,"
                                + " and no other interrupt may arrive, hvl-transport.md 3a.4)",
                        this, q, pfn));
            }
        }
    }

    private void writeStatus(int bit) {
        int value = options.statusMode() == FrontEnd.StatusMode.ORED ? regs.readReg(Regs.STATUS) | bit : bit;
        regs.writeReg(Regs.STATUS, value);
    }

    /** Section 3, step 6: Status = 0, kick; the queues are forgotten and their ring memory freed. */
    public synchronized void reset() throws IOException {
        regs.writeReg(Regs.STATUS, 0);
        regs.kick();
        forgetQueues("reset");
    }

    private void forgetQueues(String why) {
        List<DriverQueue> old = queues;
        queues = List.of();
        for (DriverQueue q : old) {
            q.release(new DeviceException(this + " queue " + q.index() + ": device " + why));
        }
    }

    /** The front-end closed: fail waiters, keep memory (the device may still use it). */
    void closed() {
        for (DriverQueue q : queues) {
            q.fail(new DeviceException(this + " queue " + q.index() + ": front-end closed"));
        }
    }

    /**
     * The device's part of an interrupt (section 3a.6): read InterruptStatus; bit 0 collects every
     * queue's used entries; bit 1 is counted; InterruptACK = the value read, even 0; kick only if it
     * was non-zero. Then the set-up semaphore is signalled.
     */
    void handleInterrupt() {
        try {
            int status = regs.readReg(Regs.INTERRUPT_STATUS);
            if ((status & Regs.INT_VRING) != 0) {
                for (DriverQueue q : queues) {
                    try {
                        q.collect();
                    } catch (DeviceException e) {
                        LOG.log(System.Logger.Level.WARNING, e.getMessage());
                    }
                }
            }
            if ((status & Regs.INT_CONFIG) != 0) {
                configChanges.incrementAndGet();
                LOG.log(
                        System.Logger.Level.INFO,
                        this + ": configuration change interrupt (status 0x"
                                + Integer.toHexString(regs.readReg(Regs.STATUS)) + ")");
            }
            regs.writeReg(Regs.INTERRUPT_ACK, status);
            if (status != 0) {
                regs.kick();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, this + ": interrupt handler failed", e);
        } finally {
            handlerRuns.incrementAndGet();
            irqSignal.release();
        }
    }

    /** Reads {@code len} bytes of config space at header + 0x100 (section 3; OpenAMP reads from 0). */
    public byte[] readConfig(int len) {
        if (len < 0 || len > Regs.BLOCK_SIZE - Regs.CONFIG) {
            throw new IllegalArgumentException("config length " + len + " (expected: 0..256)");
        }
        byte[] out = new byte[len];
        mem.copyOut(id.headerPa() + Regs.CONFIG, out, 0, len);
        return out;
    }

    /** The queue set up by the last {@link #initialize} at {@code index}. */
    public DriverQueue queue(int index) {
        List<DriverQueue> qs = queues;
        if (index < 0 || index >= qs.size()) {
            throw new IllegalStateException(this + ": no queue " + index + " (" + qs.size() + " initialised)");
        }
        return qs.get(index);
    }

    /** The queues set up by the last {@link #initialize}; empty before it and after {@link #reset}. */
    public List<DriverQueue> queues() {
        return queues;
    }

    /** The Status register as it reads now. */
    public int status() {
        return regs.readReg(Regs.STATUS);
    }

    /** Raw register access, for tests that write what no correct front-end writes. */
    public Registers registers() {
        return regs;
    }

    /** Position in the front-end's device list. */
    public int index() {
        return id.index();
    }

    public long headerPa() {
        return id.headerPa();
    }

    public int deviceId() {
        return id.deviceId();
    }

    public int vendorId() {
        return id.vendorId();
    }

    /** HostFeatures word 0 as read at attach. */
    public int hostFeatures() {
        return id.hostFeatures();
    }

    /** What the last {@link #initialize} wrote into GuestFeatures. */
    public int negotiatedFeatures() {
        return negotiatedFeatures;
    }

    public long shmBase() {
        return id.shmBase();
    }

    public long shmLen() {
        return id.shmLen();
    }

    /** The allocator of this device's memory (shared with other devices reporting the same region). */
    public DeviceMemory memory() {
        return memory;
    }

    /** Config-change interrupts (InterruptStatus bit 1) seen so far. */
    public long configChanges() {
        return configChanges.get();
    }

    /** How often this device's interrupt handler has run. */
    public long handlerRuns() {
        return handlerRuns.get();
    }

    @Override
    public String toString() {
        return String.format("device %d (id %d at 0x%x)", id.index(), id.deviceId(), id.headerPa());
    }
}

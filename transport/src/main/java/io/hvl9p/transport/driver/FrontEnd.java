package io.hvl9p.transport.driver;

import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.mmio.Regs;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The front-end (driver) side of one pool, in Java (hvl-transport.md section 7): the role an
 * OpenAMP runtime plays, followed step by step so that a back-end that works with it works with
 * the real front-ends (sections 3 and 3a).
 *
 * <p>{@link #attach} reads every device's identity and SHM registers (read high then low; both
 * non-zero, else the device is not in hypervisor-less mode, section 3a.9), keeps one {@link
 * DeviceMemory} per distinct device-memory region (in the {@code packed} layout all devices share
 * one) and starts the interrupt thread. On every interrupt that thread runs every device's handler
 * exactly as section 3a.6 says: read InterruptStatus; if bit 0 is set collect every queue's used
 * entries; count bit 1 (config change); write InterruptACK with the value read, even 0; kick only if
 * it was non-zero. Each handler run also signals the device's set-up semaphore, which {@link
 * DriverDevice#initialize} waits on for the QueuePFN acknowledgement.
 *
 * <p>The front-end does not own the doorbell: {@link #close()} stops the interrupt thread and
 * leaves the doorbell open. Nothing is written to the registers by attach or close.
 */
public final class FrontEnd implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FrontEnd.class.getName());

    /** How Status is written: section 3a.1. */
    public enum StatusMode {
        /** 0x1, then 0x2, then 0x4, each written plainly (OpenAMP {@code virtio-exp}). */
        PLAIN,
        /** Each new bit OR-ed with the register's current value (newer OpenAMP branches). */
        ORED
    }

    /**
     * Driver behaviour; immutable. Start from {@link #defaults()} and change with the {@code with}
     * methods.
     *
     * @param statusMode how Status values are written
     * @param ackTimeout how long a queue set-up waits for {@code 0xAABBAABB} (OpenAMP: about 4 s)
     * @param strictAck if true (OpenAMP's behaviour, section 3a.4) the set-up fails when an
     *     interrupt arrives and QueuePFN does not read the ACK; if false it keeps waiting until the
     *     timeout. Doorbells without interrupts ({@code poll}) always wait.
     * @param spinNanos how long a waiter for used entries polls the used index before it sleeps on
     *     the interrupt handler; 0 never spins
     * @param honourNoNotify skip the kick after publishing when the device set
     *     VRING_USED_F_NO_NOTIFY in the used ring's flags
     * @param noInterruptWhileSpinning set VRING_AVAIL_F_NO_INTERRUPT while a waiter spins; it is
     *     cleared, and the used index read again, before the waiter sleeps (no lost wake-up)
     * @param replyHeaderLen if {@code > 0}, {@link DriverQueue#call} splits its reply buffer into a
     *     descriptor of this many bytes and one for the rest, like the Linux 9p driver's header and
     *     payload; 0 keeps one writable descriptor
     * @param oneByteDescriptors if true, {@link DriverQueue#call} shatters request and reply into
     *     one descriptor per byte (for tests of a back-end's chain handling)
     * @param pollInterval how often the interrupt thread and sleeping waiters look at the rings
     *     when the doorbell delivers no interrupts ({@code poll})
     */
    public record Options(
            StatusMode statusMode,
            Duration ackTimeout,
            boolean strictAck,
            long spinNanos,
            boolean honourNoNotify,
            boolean noInterruptWhileSpinning,
            int replyHeaderLen,
            boolean oneByteDescriptors,
            Duration pollInterval) {
        public Options {
            Objects.requireNonNull(statusMode, "statusMode");
            Objects.requireNonNull(ackTimeout, "ackTimeout");
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (ackTimeout.isNegative() || ackTimeout.isZero()) {
                throw new IllegalArgumentException("ackTimeout " + ackTimeout + " (expected: > 0)");
            }
            if (spinNanos < 0) {
                throw new IllegalArgumentException("spinNanos " + spinNanos + " (expected: >= 0)");
            }
            if (replyHeaderLen < 0) {
                throw new IllegalArgumentException("replyHeaderLen " + replyHeaderLen + " (expected: >= 0)");
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval " + pollInterval + " (expected: > 0)");
            }
        }

        /** PLAIN status, 4 s ack timeout, strict ack, 50 µs spin, NO_NOTIFY honoured, no split. */
        public static Options defaults() {
            return new Options(
                    StatusMode.PLAIN,
                    Duration.ofSeconds(4),
                    true,
                    TimeUnit.MICROSECONDS.toNanos(50),
                    true,
                    true,
                    0,
                    false,
                    Duration.ofMillis(1));
        }

        public Options withStatusMode(StatusMode v) {
            return new Options(
                    v,
                    ackTimeout,
                    strictAck,
                    spinNanos,
                    honourNoNotify,
                    noInterruptWhileSpinning,
                    replyHeaderLen,
                    oneByteDescriptors,
                    pollInterval);
        }

        public Options withAckTimeout(Duration v) {
            return new Options(
                    statusMode,
                    v,
                    strictAck,
                    spinNanos,
                    honourNoNotify,
                    noInterruptWhileSpinning,
                    replyHeaderLen,
                    oneByteDescriptors,
                    pollInterval);
        }

        public Options withStrictAck(boolean v) {
            return new Options(
                    statusMode,
                    ackTimeout,
                    v,
                    spinNanos,
                    honourNoNotify,
                    noInterruptWhileSpinning,
                    replyHeaderLen,
                    oneByteDescriptors,
                    pollInterval);
        }

        public Options withSpinNanos(long v) {
            return new Options(
                    statusMode,
                    ackTimeout,
                    strictAck,
                    v,
                    honourNoNotify,
                    noInterruptWhileSpinning,
                    replyHeaderLen,
                    oneByteDescriptors,
                    pollInterval);
        }

        public Options withHonourNoNotify(boolean v) {
            return new Options(
                    statusMode,
                    ackTimeout,
                    strictAck,
                    spinNanos,
                    v,
                    noInterruptWhileSpinning,
                    replyHeaderLen,
                    oneByteDescriptors,
                    pollInterval);
        }

        public Options withNoInterruptWhileSpinning(boolean v) {
            return new Options(
                    statusMode,
                    ackTimeout,
                    strictAck,
                    spinNanos,
                    honourNoNotify,
                    v,
                    replyHeaderLen,
                    oneByteDescriptors,
                    pollInterval);
        }

        public Options withReplyHeaderLen(int v) {
            return new Options(
                    statusMode,
                    ackTimeout,
                    strictAck,
                    spinNanos,
                    honourNoNotify,
                    noInterruptWhileSpinning,
                    v,
                    oneByteDescriptors,
                    pollInterval);
        }

        public Options withOneByteDescriptors(boolean v) {
            return new Options(
                    statusMode,
                    ackTimeout,
                    strictAck,
                    spinNanos,
                    honourNoNotify,
                    noInterruptWhileSpinning,
                    replyHeaderLen,
                    v,
                    pollInterval);
        }

        public Options withPollInterval(Duration v) {
            return new Options(
                    statusMode,
                    ackTimeout,
                    strictAck,
                    spinNanos,
                    honourNoNotify,
                    noInterruptWhileSpinning,
                    replyHeaderLen,
                    oneByteDescriptors,
                    v);
        }
    }

    private final DriverDoorbell doorbell;
    private final Options options;
    private final List<DriverDevice> devices;
    private final List<DeviceMemory> memories;
    private final Thread irqThread;
    private final AtomicLong interrupts = new AtomicLong();
    private volatile boolean closed;

    private final java.util.concurrent.locks.ReentrantLock isr;

    private FrontEnd(
            DriverDoorbell doorbell,
            Options options,
            List<DriverDevice> devices,
            List<DeviceMemory> mems,
            java.util.concurrent.locks.ReentrantLock isr) {
        this.isr = isr;
        this.doorbell = doorbell;
        this.options = options;
        this.devices = List.copyOf(devices);
        this.memories = List.copyOf(mems);
        this.irqThread = new Thread(this::interruptLoop, "hvl9p-frontend-irq[" + doorbell.describe() + "]");
        irqThread.setDaemon(true);
    }

    /**
     * Attaches to the devices whose register headers are at {@code headerPas} (in this order) and
     * starts the interrupt thread.
     *
     * @throws DeviceException if a header is outside the pool, a device has the wrong magic or a
     *     version other than 1, reports no device memory (not hypervisor-less), device memory outside
     *     the pool, or device memory that overlaps a register header or another device's memory
     *     without being the same region
     */
    public static FrontEnd attach(GuestMemory mem, List<Long> headerPas, DriverDoorbell doorbell, Options options)
            throws IOException {
        Objects.requireNonNull(mem, "mem");
        Objects.requireNonNull(doorbell, "doorbell");
        Objects.requireNonNull(options, "options");
        List<Long> pas = List.copyOf(headerPas);
        if (pas.isEmpty()) {
            throw new IllegalArgumentException("no device headers (expected: at least one)");
        }
        Map<List<Long>, DeviceMemory> regions = new LinkedHashMap<>();
        // Shared by the interrupt thread and every device's set-up (see DriverDevice.initialize).
        java.util.concurrent.locks.ReentrantLock isr = new java.util.concurrent.locks.ReentrantLock();
        List<DriverDevice> devices = new ArrayList<>();
        for (int i = 0; i < pas.size(); i++) {
            long pa = pas.get(i);
            if (!mem.contains(pa, Regs.BLOCK_SIZE) || (pa & 3) != 0) {
                throw new DeviceException(String.format(
                        "device %d: register header at 0x%x (expected: 4-byte aligned, inside %s)", i, pa, mem));
            }
            Registers regs = new Registers(mem, pa, doorbell);
            DriverDevice.Identity id = DriverDevice.Identity.read(i, regs);
            if (!mem.contains(id.shmBase(), id.shmLen())) {
                throw new DeviceException(String.format(
                        "device %d: device memory [0x%x, +0x%x) is not inside %s", i, id.shmBase(), id.shmLen(), mem));
            }
            for (long other : pas) {
                if (other < id.shmBase() + id.shmLen() && id.shmBase() < other + Regs.BLOCK_SIZE) {
                    throw new DeviceException(String.format(
                            "device %d: device memory [0x%x, +0x%x) overlaps the register header at 0x%x",
                            i, id.shmBase(), id.shmLen(), other));
                }
            }
            List<Long> key = List.of(id.shmBase(), id.shmLen());
            DeviceMemory dm = regions.get(key);
            if (dm == null) {
                for (DeviceMemory o : regions.values()) {
                    if (id.shmBase() < o.base() + o.length() && o.base() < id.shmBase() + id.shmLen()) {
                        throw new DeviceException(String.format(
                                "device %d: device memory [0x%x, +0x%x) overlaps %s without being the same region",
                                i, id.shmBase(), id.shmLen(), o));
                    }
                }
                dm = new DeviceMemory(mem, id.shmBase(), id.shmLen());
                regions.put(key, dm);
            }
            devices.add(new DriverDevice(mem, regs, id, dm, doorbell, options, isr));
        }
        FrontEnd fe = new FrontEnd(doorbell, options, devices, new ArrayList<>(regions.values()), isr);
        // A booting runtime clears interrupts still pending from its previous life: an interrupt
        // byte the last front-end never read would otherwise look like a stray interrupt during
        // the first queue set-up and fail it (3a.4, 3a.11).
        if (doorbell.interruptsDelivered()) {
            doorbell.awaitInterrupt(0); // consumes every interrupt pending
        }
        fe.irqThread.start();
        return fe;
    }

    private void interruptLoop() {
        boolean delivered = doorbell.interruptsDelivered();
        long poll = options.pollInterval().toNanos();
        while (!closed) {
            boolean got;
            try {
                got = doorbell.awaitInterrupt(delivered ? -1 : poll);
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.ERROR, "front-end interrupt thread stops: " + doorbell.describe(), e);
                }
                return;
            }
            if (closed) {
                return;
            }
            if (!got && delivered) {
                continue;
            }
            if (got) {
                interrupts.incrementAndGet();
            }
            isr.lock();
            try {
                for (DriverDevice d : devices) {
                    d.handleInterrupt();
                }
            } finally {
                isr.unlock();
            }
        }
    }

    /** The devices in the order of the header addresses given to {@link #attach}. */
    public List<DriverDevice> devices() {
        return devices;
    }

    /** The device at {@code index}. */
    public DriverDevice device(int index) {
        return devices.get(index);
    }

    /** The distinct device-memory regions, one allocator each, in order of first appearance. */
    public List<DeviceMemory> memories() {
        return memories;
    }

    /** Interrupts the interrupt thread has received so far. */
    public long interrupts() {
        return interrupts.get();
    }

    /** The options this front-end runs with. */
    public Options options() {
        return options;
    }

    /**
     * The register headers of a {@code dtb}-layout pool: the {@code reg} of every {@code virtio@}
     * node of the FDT at offset 0 of the pool (at most 64 KiB), in blob order.
     */
    public static List<Long> fdtHeaders(GuestMemory mem) throws DeviceException {
        int want = (int) Math.min(mem.size(), FdtReader.HEADER_SIZE);
        byte[] header = new byte[want];
        mem.copyOut(mem.physBase(), header, 0, want);
        int total = FdtReader.totalSize(header);
        long max = Math.min(mem.size(), PoolLayout.FDT_AREA_SIZE);
        if (total < FdtReader.HEADER_SIZE || total > max) {
            throw new DeviceException("FDT totalsize " + Integer.toUnsignedString(total) + " (expected: "
                    + FdtReader.HEADER_SIZE + ".." + max + ")");
        }
        byte[] blob = new byte[total];
        mem.copyOut(mem.physBase(), blob, 0, total);
        return fdtHeaders(blob);
    }

    /** The register headers named by an FDT blob's {@code virtio@} nodes, in blob order. */
    public static List<Long> fdtHeaders(byte[] fdt) throws DeviceException {
        return List.copyOf(FdtReader.virtioHeaders(fdt));
    }

    /**
     * The register headers of a {@code packed}-layout pool: every slot {@code 0x000, 0x200, ...,
     * 0xE00} of the first 4 KiB that holds the magic value, in address order.
     */
    public static List<Long> packedHeaders(GuestMemory mem) {
        List<Long> out = new ArrayList<>();
        for (long off = 0;
                off < PoolLayout.PACKED_HEADER_AREA && off + Regs.BLOCK_SIZE <= mem.size();
                off += Regs.BLOCK_SIZE) {
            if (mem.readU32Acquire(mem.physBase() + off) == Regs.MAGIC) {
                out.add(mem.physBase() + off);
            }
        }
        return List.copyOf(out);
    }

    /** The register headers of a pool of the given layout kind. */
    public static List<Long> headers(GuestMemory mem, PoolLayout.Kind kind) throws DeviceException {
        return switch (kind) {
            case DTB -> fdtHeaders(mem);
            case PACKED -> packedHeaders(mem);
        };
    }

    /** Stops the interrupt thread and waits for it; fails every waiter. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        doorbell.wakeup();
        boolean interrupted = false;
        while (irqThread.isAlive()) {
            try {
                irqThread.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (irqThread.isAlive()) {
                doorbell.wakeup();
            }
        }
        for (DriverDevice d : devices) {
            d.closed();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FrontEnd[" + devices.size() + " devices, " + doorbell.describe() + "]";
    }
}

package io.hvl9p.transport.driver;

import io.hvl9p.transport.doorbell.Doorbell;
import io.hvl9p.transport.layout.DevicePlacement;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.mmio.Regs;
import io.hvl9p.transport.virtq.DescriptorChain;
import io.hvl9p.transport.virtq.SplitQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A scripted back-end for driver tests, just enough of sections 3b to drive {@link FrontEnd}: it
 * pre-fills the register blocks, acknowledges QueuePFN writes (0xAABBAABB, then exactly one
 * interrupt), and after DRIVER_OK echoes every chain (readable bytes copied into the writable
 * ones), sets InterruptStatus bit 0 and interrupts. State-based: {@link #process} compares the
 * registers with its private copy, so kicks may coalesce. It runs either on its own thread ({@link
 * #start}) or synchronously inside every kick ({@link #synchronous}). Not the real controller.
 */
final class FakeBackEnd implements AutoCloseable {
    enum Ack {
        NORMAL,
        NEVER,
        INTERRUPT_BEFORE_ACK
    }

    static final int QUEUE_NUM_MAX = 256;
    static final int HOST_FEATURES = 0x1;

    record Chain(int device, int queue, int head, List<Long> readableLens, List<Long> writableLens) {}

    private static final class Dev {
        final DevicePlacement p;
        final Map<Integer, SplitQueue> queues = new TreeMap<>();
        int lastAcked;
        int lastStatus;
        boolean published;
        final List<DescriptorChain> held = new ArrayList<>();
        final List<Integer> heldQueue = new ArrayList<>();

        Dev(DevicePlacement p) {
            this.p = p;
        }
    }

    private final GuestMemory mem;
    private final Doorbell bell;
    private final List<Dev> devs = new ArrayList<>();
    final List<Chain> chains = Collections.synchronizedList(new ArrayList<>());
    final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    volatile Ack ack = Ack.NORMAL;
    volatile boolean serveRings = true;
    /** Hold chains until this many are held, then complete them in reverse order (0: at once). */
    volatile int holdUntil;

    volatile int acks;
    /** Acknowledge at most this many queue set-ups; later ones are ignored. */
    volatile int ackLimit = Integer.MAX_VALUE;
    /** Runs after each acknowledgement and its interrupt. */
    volatile Runnable afterAck = () -> {};

    private Thread thread;
    private volatile boolean closed;

    FakeBackEnd(GuestMemory mem, PoolLayout layout, Doorbell bell, List<byte[]> configs) {
        this.mem = mem;
        this.bell = bell;
        layout.fdt().ifPresent(f -> mem.copyIn(mem.physBase(), f, 0, f.length));
        for (DevicePlacement p : layout.devices()) {
            devs.add(new Dev(p));
            prefill(p, configs.get(p.index()));
        }
    }

    private void prefill(DevicePlacement p, byte[] config) {
        long h = p.headerPa();
        mem.writeU32Release(h + Regs.VERSION, Regs.LEGACY_VERSION);
        mem.writeU32Release(h + Regs.DEVICE_ID, p.spec().deviceId());
        mem.writeU32Release(h + Regs.VENDOR_ID, 0x554d4551);
        mem.writeU32Release(h + Regs.HOST_FEATURES, HOST_FEATURES);
        mem.writeU32Release(h + Regs.GUEST_PAGE_SIZE, Regs.PAGE_SIZE);
        mem.writeU32Release(h + Regs.QUEUE_NUM_MAX, QUEUE_NUM_MAX);
        mem.writeU32Release(h + Regs.QUEUE_ALIGN, Regs.PAGE_SIZE);
        mem.writeU32Release(h + Regs.SHM_LEN_LOW, (int) p.memorySize());
        mem.writeU32Release(h + Regs.SHM_LEN_HIGH, (int) (p.memorySize() >>> 32));
        mem.writeU32Release(h + Regs.SHM_BASE_LOW, (int) p.memoryPa());
        mem.writeU32Release(h + Regs.SHM_BASE_HIGH, (int) (p.memoryPa() >>> 32));
        mem.copyIn(h + Regs.CONFIG, config, 0, config.length);
        mem.writeU32Release(h + Regs.MAGIC_VALUE, Regs.MAGIC);
    }

    /** Runs {@link #process} on its own thread after every kick. */
    FakeBackEnd start() {
        thread = new Thread(
                () -> {
                    while (!closed) {
                        try {
                            bell.awaitKick(-1);
                        } catch (IOException e) {
                            errors.add(e.toString());
                            return;
                        }
                        if (!closed) {
                            process();
                        }
                    }
                },
                "fake-back-end");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Runs {@link #process} inside every kick of {@code bell}, on the kicking thread. */
    FakeBackEnd synchronous(LoopbackDoorbell loop, Runnable beforeProcess) {
        loop.onKick(() -> {
            beforeProcess.run();
            process();
        });
        return this;
    }

    /** Looks at every device once. */
    synchronized void process() {
        try {
            for (Dev d : devs) {
                processDevice(d);
            }
        } catch (IOException | RuntimeException e) {
            errors.add(e.toString());
        }
    }

    private int reg(Dev d, int off) {
        return mem.readU32Acquire(d.p.headerPa() + off);
    }

    private void set(Dev d, int off, int v) {
        mem.writeU32Release(d.p.headerPa() + off, v);
    }

    private void processDevice(Dev d) throws IOException {
        int status = reg(d, Regs.STATUS);
        if (status != d.lastStatus && (status == 0 || status < d.lastStatus)) {
            d.queues.clear();
            d.held.clear();
            d.heldQueue.clear();
            if (status == 0) {
                d.lastAcked = 0;
                set(d, Regs.QUEUE_PFN, 0);
            }
        }
        d.lastStatus = status;
        int iack = reg(d, Regs.INTERRUPT_ACK);
        if (iack != 0) {
            set(d, Regs.INTERRUPT_ACK, 0);
            if (!d.published) {
                set(d, Regs.INTERRUPT_STATUS, reg(d, Regs.INTERRUPT_STATUS) & ~iack);
            }
            d.published = false;
        }
        if ((status & Regs.S_DRIVER_OK) == 0) {
            int pfn = reg(d, Regs.QUEUE_PFN);
            if (pfn != 0 && pfn != Regs.PFN_ACK && pfn != d.lastAcked) {
                int q = reg(d, Regs.QUEUE_SEL);
                d.queues.put(q, SplitQueue.legacy(reg(d, Regs.QUEUE_NUM), Integer.toUnsignedLong(pfn) * 4096, 4096));
                d.lastAcked = pfn;
                if (acks >= ackLimit) {
                    return;
                }
                acks++;
                switch (ack) {
                    case NORMAL -> {
                        set(d, Regs.QUEUE_PFN, Regs.PFN_ACK);
                        bell.interrupt();
                    }
                    case NEVER -> {}
                    case INTERRUPT_BEFORE_ACK -> bell.interrupt();
                }
                afterAck.run();
            }
            return;
        }
        if (!serveRings) {
            return;
        }
        boolean any = false;
        boolean interrupt = false;
        for (Map.Entry<Integer, SplitQueue> e : d.queues.entrySet()) {
            SplitQueue q = e.getValue();
            Optional<DescriptorChain> c;
            while ((c = q.pop(mem)).isPresent()) {
                DescriptorChain chain = c.get();
                chains.add(new Chain(
                        d.p.index(),
                        e.getKey(),
                        chain.head(),
                        chain.descriptors().stream()
                                .filter(x -> !x.writable())
                                .map(x -> x.len())
                                .toList(),
                        chain.descriptors().stream()
                                .filter(x -> x.writable())
                                .map(x -> x.len())
                                .toList()));
                if (holdUntil > 0) {
                    d.held.add(chain);
                    d.heldQueue.add(e.getKey());
                    if (d.held.size() >= holdUntil) {
                        for (int i = d.held.size() - 1; i >= 0; i--) {
                            echo(d.queues.get(d.heldQueue.get(i)), d.held.get(i));
                        }
                        d.held.clear();
                        d.heldQueue.clear();
                        any = true;
                    }
                } else {
                    echo(q, chain);
                    any = true;
                }
            }
            if (any && (mem.readU16Acquire(q.availRing()) & Regs.VRING_AVAIL_F_NO_INTERRUPT) == 0) {
                interrupt = true;
            }
        }
        if (any) {
            set(d, Regs.INTERRUPT_STATUS, reg(d, Regs.INTERRUPT_STATUS) | Regs.INT_VRING);
            d.published = true;
            if (interrupt) {
                bell.interrupt();
            }
        }
    }

    private void echo(SplitQueue q, DescriptorChain chain) {
        byte[] in = chain.readAll(mem, Integer.MAX_VALUE);
        int n = (int) Math.min(in.length, chain.writableLength());
        int len = chain.writeAll(mem, ByteBuffer.wrap(in, 0, n));
        q.addUsed(mem, chain.head(), len);
    }

    /** The back-end's copy of device {@code d}'s queue {@code q}, or null. */
    synchronized SplitQueue queue(int d, int q) {
        return devs.get(d).queues.get(q);
    }

    @Override
    public void close() {
        closed = true;
        bell.wakeup();
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.hvl9p.transport.mmio;

import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.virtq.DescriptorChain;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test device: every chain's readable bytes are copied into its writable part (as much as fits)
 * and the chain is completed. On every queue it has, so a two-queue instance stands in for the
 * console's set-up.
 */
final class EchoDevice implements VirtioDevice {
    /** How chains are completed. */
    enum Mode {
        /** At once, on the controller thread, inside the pass. */
        SYNC,
        /** Held until {@link #batch} are held, then completed newest first from another thread. */
        REVERSE,
        /** Held until {@link #release()}. */
        HOLD
    }

    static final byte[] NINE_P_CONFIG = {4, 0, 'r', 'o', 'o', 't'};
    static final byte[] CONSOLE_CONFIG = {80, 0, 25, 0, 1, 0, 0, 0, 0, 0, 0, 0};

    record Held(VirtQueue queue, DescriptorChain chain) {}

    private final int deviceId;
    private final int queueCount;
    private final String name;
    private final ExecutorService completer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "echo-completer");
        t.setDaemon(true);
        return t;
    });
    private final List<Held> held = new ArrayList<>();
    private volatile GuestMemory mem;
    volatile Mode mode = Mode.SYNC;
    volatile int batch = 4;
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();
    final AtomicInteger popped = new AtomicInteger();
    final AtomicInteger completed = new AtomicInteger();
    /** Completions refused because the generation had ended (late completions after a reset). */
    final AtomicInteger ignored = new AtomicInteger();
    /** Chains completed before a chain popped earlier than them (REVERSE). */
    final AtomicInteger outOfOrder = new AtomicInteger();

    private EchoDevice(int deviceId, int queueCount, String name) {
        this.deviceId = deviceId;
        this.queueCount = queueCount;
        this.name = name;
    }

    /** One queue, device ID 9 (shaped like a 9p device). */
    static EchoDevice oneQueue() {
        return new EchoDevice(9, 1, "echo");
    }

    /** Two queues, device ID 3 (shaped like the console). */
    static EchoDevice twoQueues() {
        return new EchoDevice(3, 2, "echo2");
    }

    @Override
    public int deviceId() {
        return deviceId;
    }

    @Override
    public int hostFeatures() {
        return 1;
    }

    @Override
    public int queueCount() {
        return queueCount;
    }

    @Override
    public byte[] config() {
        return deviceId == 3 ? CONSOLE_CONFIG.clone() : NINE_P_CONFIG.clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(DeviceContext ctx) {
        mem = ctx.memory();
        starts.incrementAndGet();
    }

    @Override
    public void available(DeviceContext ctx, int queue) {
        VirtQueue q = ctx.queue(queue);
        Optional<DescriptorChain> c;
        while ((c = q.pop()).isPresent()) {
            popped.incrementAndGet();
            switch (mode) {
                case SYNC -> echo(q, c.get());
                case HOLD -> hold(q, c.get());
                case REVERSE -> {
                    List<Held> batchOf = holdBatch(q, c.get());
                    if (batchOf != null) {
                        completer.execute(() -> {
                            for (int i = batchOf.size() - 1; i >= 0; i--) {
                                echo(batchOf.get(i).queue(), batchOf.get(i).chain());
                                if (i > 0) {
                                    outOfOrder.incrementAndGet();
                                }
                            }
                        });
                    }
                }
            }
        }
    }

    private synchronized void hold(VirtQueue q, DescriptorChain c) {
        held.add(new Held(q, c));
    }

    private synchronized List<Held> holdBatch(VirtQueue q, DescriptorChain c) {
        held.add(new Held(q, c));
        if (held.size() < batch) {
            return null;
        }
        List<Held> out = List.copyOf(held);
        held.clear();
        return out;
    }

    synchronized int heldCount() {
        return held.size();
    }

    synchronized List<Held> held() {
        return List.copyOf(held);
    }

    /** Completes every held chain on the calling thread; returns how many completions took effect. */
    int release() {
        List<Held> out;
        synchronized (this) {
            out = List.copyOf(held);
            held.clear();
        }
        int done = 0;
        for (Held h : out) {
            if (echo(h.queue(), h.chain())) {
                done++;
            }
        }
        return done;
    }

    private boolean echo(VirtQueue q, DescriptorChain c) {
        byte[] data = c.readAll(mem, Integer.MAX_VALUE);
        int n = (int) Math.min(data.length, c.writableLength());
        if (q.complete(c, ByteBuffer.wrap(data, 0, n))) {
            completed.incrementAndGet();
            return true;
        }
        ignored.incrementAndGet();
        return false;
    }

    @Override
    public void stop(DeviceContext ctx) {
        stops.incrementAndGet();
    }

    @Override
    public void close() {
        completer.shutdownNow();
    }
}

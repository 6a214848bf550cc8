package io.hvl9p.console;

import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.mmio.DeviceContext;
import io.hvl9p.transport.mmio.VirtQueue;
import io.hvl9p.transport.mmio.VirtioDevice;
import io.hvl9p.transport.virtq.Descriptor;
import io.hvl9p.transport.virtq.DescriptorChain;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The virtio-console device of one runtime (virtio 1.2 section 5.3; hvl-transport.md section 6):
 * device ID 3, no features, queue 0 receiveq (input to the runtime), queue 1 transmitq (its
 * {@code printf}), config {@code le16 cols; le16 rows; le32 max_nr_ports = 1; le32 emerg_wr}.
 *
 * <p><b>Transmit.</b> Every available chain is popped, its readable bytes copied out (at most
 * {@value #MAX_CHAIN_BYTES} per chain; the rest is dropped), and the chain completed at once with
 * used length 0, in the same pass: the OpenAMP front-end sends one character per descriptor and
 * busy-spins when its 4-entry ring is full (3a.7). The bytes then go through a {@link LineAssembler};
 * finished lines are handed to a bounded queue served by the device's own sink thread, so the sink
 * is never called on the controller thread and a slow sink never delays a completion (lines are
 * dropped and counted instead). A partial line is emitted after the idle time by a timer task.
 *
 * <p><b>Receive.</b> {@link #input} puts bytes into a bounded buffer ({@link Options#inputCapacity}
 * bytes; when it is full the excess of a call is <em>refused</em>, counted and logged, so what was
 * typed first arrives first and intact). Whenever there are both buffered bytes and receive buffers,
 * a chain gets as many bytes as fit and is completed with that length; this happens on the thread
 * that calls {@code input} and on the controller thread when the driver adds buffers. Receive chains
 * are popped as soon as they are available and kept by the device until input arrives, rather than
 * left in the ring: input then needs no ring access while buffers are already taken, and the
 * controller does not call {@link #available} on every pass for buffers that wait for input (the
 * controller counts only entries a device takes as work, so either way it does not spin). A legal
 * driver has at most queue-size chains outstanding; one that offers more is failed
 * (DEVICE_NEEDS_RESET, 4.4).
 *
 * <p><b>Generations.</b> {@link #stop} flushes the partial line to the sinks, drops the kept
 * receive chains without completing them (their queue is retired) and drops input not yet
 * delivered: it was meant for the runtime's previous life. Input that arrives while no generation is
 * live waits for the next one. After the next {@link #start} the device works again.
 *
 * <p>The device does not close its sink: sinks (standard output, a shared log) may serve several
 * devices; whoever made them closes them.
 */
public final class ConsoleDevice implements VirtioDevice {
    private static final System.Logger LOG = System.getLogger(ConsoleDevice.class.getName());

    public static final int DEVICE_ID = 3;
    public static final int RECEIVEQ = 0;
    public static final int TRANSMITQ = 1;
    /** The most bytes taken from one transmit chain. */
    public static final int MAX_CHAIN_BYTES = 64 * 1024;

    /**
     * Tuning of one console.
     *
     * @param cols config space {@code cols}
     * @param rows config space {@code rows}
     * @param maxLineBytes a longer line is split ({@link LineAssembler})
     * @param idleFlush a partial line is emitted after this long without bytes
     * @param inputCapacity bytes of input buffered for the runtime
     * @param sinkQueueLines lines waiting for the sink thread before new ones are dropped
     */
    public record Options(
            int cols, int rows, int maxLineBytes, Duration idleFlush, int inputCapacity, int sinkQueueLines) {
        public Options {
            if (cols < 0 || cols > 0xFFFF || rows < 0 || rows > 0xFFFF) {
                throw new IllegalArgumentException(
                        "console size " + cols + "x" + rows + " (expected: 0 to 65535 each, le16 in the config)");
            }
            if (maxLineBytes < 16 || maxLineBytes > 1 << 20) {
                throw new IllegalArgumentException("max line " + maxLineBytes + " bytes (expected: 16 to 1048576)");
            }
            Objects.requireNonNull(idleFlush, "idleFlush");
            if (idleFlush.compareTo(Duration.ofMillis(1)) < 0 || idleFlush.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("idle flush " + idleFlush + " (expected: 1 ms to 10 s)");
            }
            if (inputCapacity < 1 || inputCapacity > 16 << 20) {
                throw new IllegalArgumentException(
                        "input capacity " + inputCapacity + " bytes (expected: 1 to 16 MiB)");
            }
            if (sinkQueueLines < 1 || sinkQueueLines > 1 << 20) {
                throw new IllegalArgumentException(
                        "sink queue of " + sinkQueueLines + " lines (expected: 1 to 1048576)");
            }
        }

        /** 80x25, lines of up to 4096 bytes, 100 ms idle flush, 64 KiB of input, 10000 queued lines. */
        public static Options defaults() {
            return new Options(80, 25, 4096, Duration.ofMillis(100), 64 * 1024, 10_000);
        }

        public Options withSize(int c, int r) {
            return new Options(c, r, maxLineBytes, idleFlush, inputCapacity, sinkQueueLines);
        }

        public Options withMaxLineBytes(int n) {
            return new Options(cols, rows, n, idleFlush, inputCapacity, sinkQueueLines);
        }

        public Options withIdleFlush(Duration d) {
            return new Options(cols, rows, maxLineBytes, d, inputCapacity, sinkQueueLines);
        }

        public Options withInputCapacity(int n) {
            return new Options(cols, rows, maxLineBytes, idleFlush, n, sinkQueueLines);
        }

        public Options withSinkQueueLines(int n) {
            return new Options(cols, rows, maxLineBytes, idleFlush, inputCapacity, n);
        }
    }

    private final String runtime;
    private final Options options;
    private final SinkThread sinkThread;
    private final LineAssembler assembler;
    private final ScheduledExecutorService timer;
    private final boolean ownTimer;
    private boolean idleArmed; // guarded by assembler

    // Receive state, guarded by rx.
    private final Object rx = new Object();
    private final InputBuffer input;
    private final ArrayDeque<DescriptorChain> kept = new ArrayDeque<>();
    private DeviceContext rxCtx;
    private boolean overflowWarned;

    private final AtomicLong txChains = new AtomicLong();
    private final AtomicLong txBytes = new AtomicLong();
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong inputBytes = new AtomicLong();
    private final AtomicLong inputDropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong rxChains = new AtomicLong();

    /** A console with default options, the system ticker and its own timer thread. */
    public ConsoleDevice(String runtime, ConsoleSink sink) {
        this(runtime, sink, Options.defaults(), Ticker.system(), null);
    }

    /**
     * @param runtime the runtime's name, the prefix of its lines
     * @param sink where lines go (called on the device's sink thread only)
     * @param ticker the clock of the idle flush
     * @param timer runs the idle flush; {@code null}: the device makes (and shuts down) its own
     */
    public ConsoleDevice(
            String runtime, ConsoleSink sink, Options options, Ticker ticker, ScheduledExecutorService timer) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.options = Objects.requireNonNull(options, "options");
        this.sinkThread = new SinkThread(runtime, Objects.requireNonNull(sink, "sink"), options.sinkQueueLines());
        this.assembler = new LineAssembler(options.maxLineBytes(), options.idleFlush(), ticker, this::emit);
        this.ownTimer = timer == null;
        this.timer = timer != null
                ? timer
                : Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                        .name("hvl9p-console-timer-" + runtime)
                        .daemon()
                        .unstarted(r));
        this.input = new InputBuffer(options.inputCapacity());
    }

    public String runtime() {
        return runtime;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public int hostFeatures() {
        return 0;
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public byte[] config() {
        return ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) options.cols())
                .putShort((short) options.rows())
                .putInt(1) // max_nr_ports
                .putInt(0) // emerg_wr
                .array();
    }

    @Override
    public String name() {
        return "console";
    }

    @Override
    public void start(DeviceContext ctx) {
        synchronized (rx) {
            rxCtx = ctx;
            kept.clear();
            takeReceiveBuffers(ctx);
            deliver();
        }
    }

    @Override
    public void available(DeviceContext ctx, int queue) {
        if (queue == TRANSMITQ) {
            transmit(ctx);
        } else if (queue == RECEIVEQ) {
            synchronized (rx) {
                if (rxCtx == ctx) {
                    takeReceiveBuffers(ctx);
                    deliver();
                }
            }
        }
    }

    @Override
    public void stop(DeviceContext ctx) {
        assembler.flush();
        synchronized (rx) {
            if (rxCtx == ctx) {
                rxCtx = null;
                kept.clear(); // retired queue: never completed
                input.clear();
                overflowWarned = false;
            }
        }
    }

    /** Flushes the partial line, lets queued lines reach the sink (up to 5 s), stops the threads. */
    @Override
    public void close() {
        assembler.flush();
        if (ownTimer) {
            timer.shutdownNow();
        }
        sinkThread.close(Duration.ofSeconds(5));
    }

    // ---- transmit -------------------------------------------------------------------------------

    private void transmit(DeviceContext ctx) {
        VirtQueue q = ctx.queue(TRANSMITQ);
        GuestMemory mem = ctx.memory();
        Optional<DescriptorChain> next;
        while ((next = q.pop()).isPresent()) {
            DescriptorChain chain = next.get();
            byte[] bytes = readCapped(mem, chain);
            q.complete(chain, 0); // at once: the runtime spins on a full ring
            txChains.incrementAndGet();
            if (bytes.length > 0) {
                txBytes.addAndGet(bytes.length);
                synchronized (assembler) {
                    assembler.feed(bytes);
                    armIdleFlush();
                }
            }
        }
    }

    /** The readable part, at most MAX_CHAIN_BYTES of it; a writable-only chain gives nothing. */
    private byte[] readCapped(GuestMemory mem, DescriptorChain chain) {
        long readable = chain.readableLength();
        if (readable > MAX_CHAIN_BYTES) {
            LOG.log(
                    Level.WARNING,
                    "{0}: transmit chain of {1} bytes, keeping the first {2}",
                    runtime,
                    readable,
                    MAX_CHAIN_BYTES);
        }
        byte[] out = new byte[(int) Math.min(readable, MAX_CHAIN_BYTES)];
        int pos = 0;
        for (Descriptor d : chain.descriptors()) {
            if (d.writable() || pos == out.length) {
                break;
            }
            int n = (int) Math.min(d.len(), out.length - pos);
            mem.copyOut(d.addr(), out, pos, n); // validated inside the pool at pop
            pos += n;
        }
        return out;
    }

    /** Called with the assembler's lock held. */
    private void armIdleFlush() {
        if (!idleArmed && assembler.hasPartialLine()) {
            schedule(options.idleFlush().toNanos());
        }
    }

    private void schedule(long nanos) {
        try {
            timer.schedule(this::idleCheck, nanos, TimeUnit.NANOSECONDS);
            idleArmed = true;
        } catch (RejectedExecutionException e) {
            idleArmed = false; // closing
        }
    }

    private void idleCheck() {
        synchronized (assembler) {
            idleArmed = false;
            long wait = assembler.flushIfIdle();
            if (wait > 0) {
                schedule(wait);
            }
        }
    }

    private void emit(String line) {
        if (sinkThread.offer(line)) {
            lines.incrementAndGet();
        }
    }

    // ---- receive --------------------------------------------------------------------------------

    /** Queues input for the runtime; see {@link #input(byte[], int, int)}. */
    public int input(byte[] bytes) {
        return input(bytes, 0, bytes.length);
    }

    /**
     * Queues input for the runtime and delivers what fits into its receive buffers now. Callable
     * from any thread.
     *
     * @return the bytes accepted; fewer than {@code len} if the input buffer is full (the rest is
     *     refused and counted)
     */
    public int input(byte[] bytes, int off, int len) {
        Objects.checkFromIndexSize(off, len, bytes.length);
        synchronized (rx) {
            int accepted = input.put(bytes, off, len);
            inputBytes.addAndGet(accepted);
            if (accepted < len) {
                inputDropped.addAndGet(len - accepted);
                if (!overflowWarned) {
                    overflowWarned = true;
                    LOG.log(
                            Level.WARNING,
                            "{0}: console input buffer full ({1} bytes), input refused until the runtime reads",
                            runtime,
                            options.inputCapacity());
                }
            }
            deliver();
            return accepted;
        }
    }

    /** Pops every available receive chain into {@code kept}. Holding rx. */
    private void takeReceiveBuffers(DeviceContext ctx) {
        VirtQueue q = ctx.queue(RECEIVEQ);
        Optional<DescriptorChain> next;
        while ((next = q.pop()).isPresent()) {
            if (kept.size() >= q.size()) {
                kept.clear();
                rxCtx = null;
                ctx.fail("receiveq: more than " + q.size() + " buffers outstanding (expected: <= the queue size)");
                return;
            }
            kept.add(next.get());
        }
    }

    /** Fills kept (or newly available) receive chains while there is input. Holding rx. */
    private void deliver() {
        DeviceContext ctx = rxCtx;
        if (ctx == null || input.isEmpty()) {
            return;
        }
        VirtQueue q = ctx.queue(RECEIVEQ);
        while (!input.isEmpty()) {
            DescriptorChain chain = kept.pollFirst();
            if (chain == null) {
                Optional<DescriptorChain> next = q.pop();
                if (next.isEmpty()) {
                    return;
                }
                chain = next.get();
            }
            int n = (int) Math.min(chain.writableLength(), input.size());
            ByteBuffer data = ByteBuffer.wrap(input.take(n));
            if (!q.complete(chain, data)) {
                LOG.log(Level.WARNING, "{0}: receive chain {1} could not be written", runtime, chain.head());
            }
            rxChains.incrementAndGet();
            delivered.addAndGet(n);
        }
        if (input.size() < options.inputCapacity()) {
            overflowWarned = false; // warn again at the next overflow
        }
    }

    // ---- observation ----------------------------------------------------------------------------

    public ConsoleStats stats() {
        return new ConsoleStats(
                txChains.get(),
                txBytes.get(),
                lines.get(),
                sinkThread.dropped(),
                inputBytes.get(),
                inputDropped.get(),
                delivered.get(),
                rxChains.get());
    }

    /** Input bytes waiting for receive buffers. */
    public int pendingInput() {
        synchronized (rx) {
            return input.size();
        }
    }

    /** Receive chains the device holds, waiting for input. */
    public int keptReceiveBuffers() {
        synchronized (rx) {
            return kept.size();
        }
    }

    /**
     * Waits until every line emitted so far went through the sink (for tests and an orderly
     * shutdown).
     *
     * @return false on timeout
     */
    public boolean awaitOutput(Duration timeout) throws InterruptedException {
        return sinkThread.awaitIdle(timeout);
    }

    @Override
    public String toString() {
        return "ConsoleDevice[" + runtime + "]";
    }
}

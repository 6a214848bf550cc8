package io.hvl9p.transport.mmio;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.transport.doorbell.Doorbells;
import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.driver.DriverDevice;
import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.layout.DeviceSpec;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.memory.GuestMemory;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The real back-end ({@link PoolController}) and the real front-end ({@link FrontEnd}) of one or
 * more pools in this JVM, over real FIFO doorbells. Every pool is a slice in the middle of a bigger
 * page-aligned shared segment, with guard areas before and after it filled with a pattern; {@link
 * #close} checks every guard ("nothing outside the pool is touched"), that no controller thread
 * died, and then frees everything.
 */
final class HvlRig implements AutoCloseable {
    static final long SIZE = 2L << 20;
    static final int GUARD = 1 << 16;
    /** Device memory of each dtb block: 64 KiB blocks. */
    static final int BLOCK_MEMORY = 0x10000 - 0x200;
    /** Long enough for a loaded machine; a passing test never waits for it. */
    static final long LONG = Duration.ofSeconds(10).toNanos();

    private static final byte[] PATTERN = pattern();

    private final Path dir;
    private final Arena arena = Arena.ofShared();
    private final List<Runtime> runtimes = new ArrayList<>();

    HvlRig() throws IOException {
        dir = Files.createTempDirectory("hvl9p-mmio");
    }

    private static byte[] pattern() {
        byte[] p = new byte[GUARD];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (0x5a ^ (i * 31) ^ (i >>> 8));
        }
        return p;
    }

    /** The back-end options of these tests: a 20 ms quiet period, 50 µs of polling. */
    static PoolController.Options options() {
        return PoolController.Options.defaults().withQuietPeriod(Duration.ofMillis(20));
    }

    /** Front-end defaults with an ack timeout that a passing test never reaches. */
    static FrontEnd.Options frontEnd() {
        return FrontEnd.Options.defaults().withAckTimeout(Duration.ofSeconds(3));
    }

    /**
     * Front-end options for tests that reset or re-initialise right after traffic. The simulator
     * collects completions by spinning on the used ring, so the interrupt the back-end sent for a
     * completion may reach the interrupt handler only after the next initialisation has emptied its
     * set-up semaphore; a strict front-end (like OpenAMP) then takes that interrupt for the ACK's
     * and gives up. That is a hazard of the protocol, not something the back-end can prevent; these
     * front-ends keep waiting for {@code 0xAABBAABB} instead. (Exactly one interrupt per ACK is
     * checked by counting bytes in {@code InterruptSemanticsTest}.)
     */
    static FrontEnd.Options lenient() {
        return frontEnd().withStrictAck(false);
    }

    /** A pool of {@code devices}, 64 KiB blocks in dtb, started, with no front-end yet. */
    Runtime runtime(String name, PoolLayout.Kind kind, PoolController.Options o, VirtioDevice... devices)
            throws IOException {
        List<DeviceSpec> specs = new ArrayList<>();
        for (VirtioDevice d : devices) {
            specs.add(new DeviceSpec(d.deviceId(), BLOCK_MEMORY));
        }
        return runtime(name, kind, specs, o, devices);
    }

    Runtime runtime(
            String name,
            PoolLayout.Kind kind,
            List<DeviceSpec> specs,
            PoolController.Options o,
            VirtioDevice... devices)
            throws IOException {
        long base = 0x3700_0000L + runtimes.size() * 0x0100_0000L;
        Runtime rt = new Runtime(name, kind, base, specs, o, List.of(devices));
        runtimes.add(rt);
        return rt;
    }

    /** One pool: guarded memory, its controller, and (once attached) its front-end. */
    final class Runtime {
        final String name;
        final MemorySegment whole;
        final GuestMemory mem;
        final PoolLayout layout;
        final Path bell;
        final PoolController controller;
        DriverDoorbell driverBell;
        FrontEnd fe;

        private Runtime(
                String name,
                PoolLayout.Kind kind,
                long base,
                List<DeviceSpec> specs,
                PoolController.Options o,
                List<VirtioDevice> devices)
                throws IOException {
            this.name = name;
            whole = arena.allocate(SIZE + 2L * GUARD, 4096);
            MemorySegment.copy(PATTERN, 0, whole, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, GUARD);
            MemorySegment.copy(PATTERN, 0, whole, java.lang.foreign.ValueLayout.JAVA_BYTE, GUARD + SIZE, GUARD);
            mem = GuestMemory.of(whole.asSlice(GUARD, SIZE), base);
            layout = PoolLayout.of(kind, base, SIZE, specs);
            bell = dir.resolve(name);
            controller = PoolController.start(name, mem, layout, devices, Doorbells.backEnd("fifo:" + bell), o);
        }

        /** A front-end (on its own driver side of the FIFOs) for every device of the pool. */
        FrontEnd attach(FrontEnd.Options o) throws IOException {
            driverBell = Doorbells.driver("fifo:" + bell);
            fe = FrontEnd.attach(mem, FrontEnd.headers(mem, layout.kind()), driverBell, o);
            return fe;
        }

        /** Attaches with {@link #frontEnd()} and initialises device {@code i} with the given queues. */
        DriverDevice started(int i, int... sizes) throws IOException {
            if (fe == null) {
                attach(frontEnd());
            }
            DriverDevice d = fe.device(i);
            d.initialize(sizes, 1);
            return d;
        }

        /** The front-end stops: interrupt thread and its doorbell side closed. */
        void detach() {
            if (fe != null) {
                fe.close();
                fe = null;
            }
            if (driverBell != null) {
                driverBell.close();
                driverBell = null;
            }
        }

        DeviceState state(int i) {
            return controller.devices().get(i);
        }

        DeviceState await(int i, Predicate<DeviceState> p, String what) {
            HvlRig.await(() -> p.test(state(i)), name + " device " + i + ": " + what + " (last: " + state(i) + ")");
            return state(i);
        }

        /**
         * Returns once the controller has finished the pass it is in and sent every interrupt that
         * pass asked for: so every interrupt byte caused by what the test did before is in the FIFO,
         * and every register change the controller makes in response has been made. A task posted
         * now runs at the start of a later pass; two in a row, because the interrupts of a pass are
         * sent before the next pass except before the one look that ends a polling period.
         */
        void fence() throws InterruptedException {
            for (int i = 0; i < 2; i++) {
                CountDownLatch done = new CountDownLatch(1);
                controller.post(done::countDown);
                if (!done.await(LONG, TimeUnit.NANOSECONDS)) {
                    throw new AssertionError(
                            name + ": the controller ran no pass (last: " + controller.devices() + ")");
                }
            }
        }

        /** The FIFO that carries interrupts to the front-end, opened for reading (to count bytes). */
        FileInputStream irqReader() throws IOException {
            return new FileInputStream(bell + ".irq");
        }

        void checkGuards() {
            assertThat(MemorySegment.mismatch(whole, 0, GUARD, MemorySegment.ofArray(PATTERN), 0, GUARD))
                    .as("%s: guard area before the pool", name)
                    .isEqualTo(-1L);
            assertThat(MemorySegment.mismatch(
                            whole, GUARD + SIZE, 2L * GUARD + SIZE, MemorySegment.ofArray(PATTERN), 0, GUARD))
                    .as("%s: guard area after the pool", name)
                    .isEqualTo(-1L);
        }

        /** A 128 KiB area at the end of the pool that no device memory allocator hands out here. */
        long scratch() {
            return mem.physBase() + SIZE - 0x20000;
        }
    }

    /** Polls {@code condition} until it holds, for at most {@link #LONG}. */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + LONG;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Calls {@code q} with a distinct request and checks that the reply echoes it. */
    static void echoes(DriverQueue q, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            byte[] req = (q + " request " + i + " " + "x".repeat(i % 50)).getBytes(StandardCharsets.US_ASCII);
            assertThat(q.call(req, req.length + 16, LONG)).containsExactly(req);
        }
    }

    /** A descriptor as the driver writes it into a table. */
    record Desc(long addr, long len, int flags, int next) {
        static final int NEXT = 1;
        static final int WRITE = 2;
        static final int INDIRECT = 4;
    }

    /** Writes {@code descs} into a table at {@code pa} (descriptor i at entry i). */
    static void writeTable(GuestMemory mem, long pa, List<Desc> descs) {
        for (int i = 0; i < descs.size(); i++) {
            Desc d = descs.get(i);
            long at = pa + 16L * i;
            mem.writeU64(at, d.addr());
            mem.writeU32(at + 8, (int) d.len());
            mem.writeU16(at + 12, d.flags());
            mem.writeU16(at + 14, d.next());
        }
    }

    /**
     * What a hostile or hand-driven front-end does: writes {@code descs} at the start of {@code q}'s
     * descriptor table, makes {@code head} available (next avail slot, index + 1 with release) and
     * notifies (QueueNotify, kick).
     */
    static void inject(GuestMemory mem, DriverDevice dev, DriverQueue q, List<Desc> descs, int head)
            throws IOException {
        writeTable(mem, q.ringPa(), descs);
        int idx = mem.readU16Acquire(q.availRingPa() + 2);
        mem.writeU16(q.availRingPa() + 4 + 2L * (idx & (q.size() - 1)), head);
        mem.writeU16Release(q.availRingPa() + 2, (idx + 1) & 0xFFFF);
        dev.registers().writeReg(Regs.QUEUE_NOTIFY, q.index());
        dev.registers().kick();
    }

    static int usedIdx(GuestMemory mem, DriverQueue q) {
        return mem.readU16Acquire(q.usedRingPa() + 2);
    }

    @Override
    public void close() throws IOException {
        AssertionError failed = null;
        for (Runtime rt : runtimes) {
            rt.detach();
            boolean wasRunning = rt.controller.isRunning();
            rt.controller.close();
            try {
                assertThat(rt.controller.failure())
                        .as("%s: controller failure", rt.name)
                        .isNull();
                assertThat(wasRunning)
                        .as("%s: controller running at the end", rt.name)
                        .isTrue();
                rt.checkGuards();
            } catch (AssertionError e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        arena.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}

package io.hvl9p.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.console.TestDriver.Ring;
import io.hvl9p.transport.layout.DeviceSpec;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.mmio.PoolController;
import io.hvl9p.transport.mmio.Regs;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console device driven through the real register protocol (PoolController) by a test front-end. */
class ConsoleDeviceTest {
    static final long PHYS = 0x3700_0000L;
    static final int POOL = 256 * 1024;
    static final int QSIZE = 4; // OpenAMP's console queues
    static final long RX_RING = PHYS + 0x1000;
    static final long TX_RING = PHYS + 0x3000;

    /** Collects lines; optionally blocks each call until released (a slow log file). */
    static final class Collecting implements ConsoleSink {
        final List<String> lines = new ArrayList<>();
        final CountDownLatch gate;

        Collecting(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void line(String runtime, String line) {
            try {
                if (gate != null && !gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                lines.add(runtime + ":" + line);
            }
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }
    }

    Arena arena;
    GuestMemory mem;
    StubDoorbell bell;
    PoolController pool;
    ConsoleDevice console;
    Collecting sink;
    TestDriver driver;

    void startPool(CountDownLatch gate, ConsoleDevice.Options options) {
        sink = new Collecting(gate);
        console = new ConsoleDevice("rt1", sink, options, Ticker.system(), null);
        PoolLayout layout = PoolLayout.packed(PHYS, POOL, List.of(new DeviceSpec(ConsoleDevice.DEVICE_ID, 0)));
        pool = PoolController.start("p1", mem, layout, List.of(console), bell, PoolController.Options.defaults());
        driver = new TestDriver(mem, bell, layout.device(0).headerPa(), PHYS + 0x8000);
    }

    @BeforeEach
    void setUp() {
        arena = Arena.ofShared();
        mem = GuestMemory.of(arena.allocate(POOL, 4096), PHYS);
        bell = new StubDoorbell();
    }

    @AfterEach
    void tearDown() {
        if (pool != null) {
            pool.close();
        }
        arena.close();
    }

    Ring[] init() {
        return driver.init(QSIZE, RX_RING, TX_RING);
    }

    /** Sends {@code text} one character per descriptor, kicking after each, as OpenAMP does. */
    static void sendOneCharPerDescriptor(Ring tx, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            tx.offer(new byte[][] {{b}});
            tx.notifyDevice();
        }
    }

    @Test
    void configSpaceAndIdentity() {
        startPool(null, ConsoleDevice.Options.defaults().withSize(132, 43));
        assertThat(driver.reg(Regs.DEVICE_ID)).isEqualTo(3);
        assertThat(driver.reg(Regs.HOST_FEATURES)).isZero();
        ByteBuffer cfg = ByteBuffer.wrap(console.config()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(cfg.remaining()).isEqualTo(12);
        assertThat(driver.reg(Regs.CONFIG) & 0xFFFF).isEqualTo(132);
        assertThat(driver.reg(Regs.CONFIG) >>> 16).isEqualTo(43);
        assertThat(driver.reg(Regs.CONFIG + 4)).isEqualTo(1); // max_nr_ports
        assertThat(driver.reg(Regs.CONFIG + 8)).isZero(); // emerg_wr
    }

    @Test
    void helloOneCharPerDescriptorCompletesEveryChainWithAnInterruptAndYieldsTheLine() throws Exception {
        startPool(null, ConsoleDevice.Options.defaults());
        Ring tx = init()[1];
        int before = bell.interrupts();
        byte[] hello = "hello\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < hello.length; i++) {
            int expectIrq = bell.interrupts() + 1;
            tx.offer(new byte[][] {{hello[i]}});
            tx.notifyDevice();
            int done = i + 1;
            TestDriver.await(() -> tx.usedIdx() == done, "completion of char " + i);
            TestDriver.await(() -> bell.interrupts() >= expectIrq, "interrupt for char " + i);
            assertThat(tx.usedAt(i).len()).isZero();
            assertThat(driver.reg(Regs.INTERRUPT_STATUS) & Regs.INT_VRING).isEqualTo(Regs.INT_VRING);
        }
        assertThat(bell.interrupts() - before).isGreaterThanOrEqualTo(hello.length);
        assertThat(console.awaitOutput(Duration.ofSeconds(5))).isTrue();
        TestDriver.await(() -> sink.lines().size() == 1, "the line");
        assertThat(sink.lines()).containsExactly("rt1:hello");
        assertThat(console.stats().txChains()).isEqualTo(6);
        assertThat(console.stats().txBytes()).isEqualTo(6);
        assertThat(console.stats().linesEmitted()).isEqualTo(1);
    }

    @Test
    void transmitCompletesWhileTheSinkIsStuck() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        startPool(gate, ConsoleDevice.Options.defaults());
        Ring tx = init()[1];
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            text.append("line ").append(i).append("\r\n");
        }
        // 4-entry ring, ~160 chars: this only finishes if the device completes without the sink.
        sendOneCharPerDescriptor(tx, text.toString());
        int total = text.length();
        TestDriver.await(() -> tx.usedIdx() == (total & 0xFFFF), "all chains completed");
        assertThat(sink.lines()).isEmpty();
        gate.countDown();
        assertThat(console.awaitOutput(Duration.ofSeconds(5))).isTrue();
        assertThat(sink.lines()).hasSize(20).startsWith("rt1:line 0").endsWith("rt1:line 19");
    }

    @Test
    void partialLineIsFlushedAfterTheIdleTime() throws Exception {
        startPool(null, ConsoleDevice.Options.defaults().withIdleFlush(Duration.ofMillis(20)));
        Ring tx = init()[1];
        sendOneCharPerDescriptor(tx, "login: ");
        TestDriver.await(() -> sink.lines().size() == 1, "the idle flush");
        assertThat(sink.lines()).containsExactly("rt1:login: ");
    }

    @Test
    void inputLandsInReceiveBuffersSplitOverSeveral() throws Exception {
        startPool(null, ConsoleDevice.Options.defaults());
        Ring rx = init()[0];
        long a = rx.offer(new byte[0][], 8)[0];
        long b = rx.offer(new byte[0][], 8)[0];
        rx.notifyDevice();
        TestDriver.await(() -> console.keptReceiveBuffers() == 2, "buffers taken");
        assertThat(rx.usedIdx()).isZero(); // nothing completed without input

        assertThat(console.input("hello world!".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(12);

        TestDriver.await(() -> rx.usedIdx() == 2, "both buffers used");
        assertThat(rx.usedAt(0).len()).isEqualTo(8);
        assertThat(rx.usedAt(1).len()).isEqualTo(4);
        assertThat(new String(driver.read(a, 8), StandardCharsets.US_ASCII)).isEqualTo("hello wo");
        assertThat(new String(driver.read(b, 4), StandardCharsets.US_ASCII)).isEqualTo("rld!");
        assertThat(console.stats().deliveredBytes()).isEqualTo(12);
        assertThat(console.stats().inputBytes()).isEqualTo(12);
        assertThat(console.pendingInput()).isZero();
    }

    @Test
    void inputBeforeBuffersIsDeliveredWhenTheyArrive() throws Exception {
        startPool(null, ConsoleDevice.Options.defaults());
        console.input("ab".getBytes(StandardCharsets.US_ASCII)); // before the driver is even there
        Ring rx = init()[0];
        console.input("c".getBytes(StandardCharsets.US_ASCII));
        assertThat(console.pendingInput()).isEqualTo(3);

        long a = rx.offer(new byte[0][], 16)[0];
        rx.notifyDevice();

        TestDriver.await(() -> rx.usedIdx() == 1, "the buffer used");
        assertThat(rx.usedAt(0).len()).isEqualTo(3);
        assertThat(new String(driver.read(a, 3), StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(console.pendingInput()).isZero();
    }

    @Test
    void inputBeyondTheBufferIsRefusedAndCounted() {
        startPool(null, ConsoleDevice.Options.defaults().withInputCapacity(4));
        assertThat(console.input("abcdef".getBytes(StandardCharsets.US_ASCII))).isEqualTo(4);
        assertThat(console.stats().inputDropped()).isEqualTo(2);
        assertThat(console.pendingInput()).isEqualTo(4);
    }

    @Test
    void resetMidwayDropsStateFlushesThePartialLineAndANewInitWorks() throws Exception {
        startPool(null, ConsoleDevice.Options.defaults().withIdleFlush(Duration.ofSeconds(10)));
        Ring[] rings = init();
        rings[0].offer(new byte[0][], 8);
        rings[0].notifyDevice();
        TestDriver.await(() -> console.keptReceiveBuffers() == 1, "buffer taken");
        sendOneCharPerDescriptor(rings[1], "boot");
        TestDriver.await(() -> rings[1].usedIdx() == 4, "TX done");

        driver.reset();
        TestDriver.await(() -> !pool.devices().getFirst().running(), "reset seen");
        // running() turns false just before the device's stop() runs: wait for stop's effect
        TestDriver.await(() -> console.keptReceiveBuffers() == 0, "kept buffers dropped");
        TestDriver.await(() -> console.stats().linesEmitted() == 1, "partial line flushed");
        assertThat(console.awaitOutput(Duration.ofSeconds(5))).isTrue();
        assertThat(sink.lines()).containsExactly("rt1:boot"); // flushed at stop, not lost
        console.input("x".getBytes(StandardCharsets.US_ASCII)); // no generation: waits
        assertThat(console.pendingInput()).isEqualTo(1);

        Ring[] again = init();
        TestDriver.await(() -> pool.devices().getFirst().running(), "running again");
        assertThat(pool.devices().getFirst().generation()).isEqualTo(2);
        sendOneCharPerDescriptor(again[1], "ok\n");
        long buf = again[0].offer(new byte[0][], 8)[0];
        again[0].notifyDevice();
        TestDriver.await(() -> again[0].usedIdx() == 1, "RX in the new generation");
        assertThat(again[0].usedAt(0).len()).isEqualTo(1);
        assertThat(driver.read(buf, 1)).containsExactly('x');
        TestDriver.await(() -> sink.lines().size() == 2, "line of the new generation");
        assertThat(sink.lines()).containsExactly("rt1:boot", "rt1:ok");
    }

    @Test
    void writableOnlyTransmitChainCompletesWithZero() {
        startPool(null, ConsoleDevice.Options.defaults());
        Ring tx = init()[1];
        tx.offer(new byte[0][], 16);
        tx.notifyDevice();
        TestDriver.await(() -> tx.usedIdx() == 1, "completion");
        assertThat(tx.usedAt(0).len()).isZero();
        assertThat(console.stats().txBytes()).isZero();
    }
}

package io.hvl9p.transport.driver;

import io.hvl9p.transport.layout.DeviceSpec;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.memory.GuestMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A pool in shared native memory, a loopback doorbell, a fake back-end and (once attached) a front-end. */
final class Rig implements AutoCloseable {
    static final long BASE = 0x3700_0000L;
    static final long SIZE = 1 << 20;
    static final byte[] CONSOLE_CONFIG = {80, 0, 25, 0, 1, 0, 0, 0, 0, 0, 0, 0};
    static final byte[] NINE_P_CONFIG = {4, 0, 'r', 'o', 'o', 't'};

    final Arena arena = Arena.ofShared();
    final GuestMemory mem;
    final PoolLayout layout;
    final LoopbackDoorbell bell = new LoopbackDoorbell();
    final FakeBackEnd fake;
    FrontEnd fe;

    /** Console (id 3) and 9p (id 9), 24 KiB blocks in dtb. */
    Rig(PoolLayout.Kind kind) {
        this(kind, List.of(new DeviceSpec(3, 0x5e00), new DeviceSpec(9, 0x5e00)));
    }

    Rig(PoolLayout.Kind kind, List<DeviceSpec> specs) {
        mem = GuestMemory.of(arena.allocate(SIZE, 4096), BASE);
        layout = PoolLayout.of(kind, BASE, SIZE, specs);
        List<byte[]> configs = new ArrayList<>();
        for (DeviceSpec s : specs) {
            configs.add(s.deviceId() == 3 ? CONSOLE_CONFIG : NINE_P_CONFIG);
        }
        fake = new FakeBackEnd(mem, layout, bell.device(), configs);
    }

    FrontEnd attach(FrontEnd.Options options) throws IOException {
        fe = FrontEnd.attach(mem, FrontEnd.headers(mem, layout.kind()), bell.driver(), options);
        return fe;
    }

    /** Options with a short ack timeout for tests that expect none. */
    static FrontEnd.Options fast() {
        return FrontEnd.Options.defaults().withAckTimeout(Duration.ofSeconds(5));
    }

    static void poll(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Override
    public void close() {
        if (fe != null) {
            fe.close();
        }
        fake.close();
        arena.close();
        if (!fake.errors.isEmpty()) {
            throw new AssertionError("the fake back-end failed: " + fake.errors);
        }
    }
}

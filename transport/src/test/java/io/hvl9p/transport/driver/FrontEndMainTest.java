package io.hvl9p.transport.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.transport.layout.DeviceSpec;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.pool.Pool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrontEndMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(LoopbackDoorbell bell, String... args) {
        return FrontEndMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                spec -> bell.driver());
    }

    @Test
    void probePrintsOneLinePerDevice() throws Exception {
        String name = "hvl9p-drv-test-" + ProcessHandle.current().pid();
        for (PoolLayout.Kind kind : PoolLayout.Kind.values()) {
            out.reset();
            try (Pool pool = Pool.shm(name, 1 << 20, Rig.BASE, true)) {
                PoolLayout layout = PoolLayout.of(
                        kind, Rig.BASE, 1 << 20, List.of(new DeviceSpec(3, 0x5e00), new DeviceSpec(9, 0x5e00)));
                LoopbackDoorbell bell = new LoopbackDoorbell();
                new FakeBackEnd(pool.memory(), layout, bell.device(), List.of(Rig.CONSOLE_CONFIG, Rig.NINE_P_CONFIG));
                int rc = run(
                        bell,
                        "--pool",
                        name,
                        "--phys-base",
                        "0x37000000",
                        "--layout",
                        kind.name().toLowerCase(java.util.Locale.ROOT),
                        "--doorbell",
                        "fifo:/nowhere",
                        "--probe");
                assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
                String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
                assertThat(lines).hasSize(2);
                assertThat(lines[0])
                        .startsWith(String.format(
                                "0 header=0x%x device-id=3 ", layout.device(0).headerPa()))
                        .contains(
                                String.format("shm-base=0x%x", layout.device(0).memoryPa()))
                        .contains("config=500019000100000000000000");
                assertThat(lines[1]).startsWith("1 ").contains("device-id=9").contains("config=0400726f6f74");
            }
        }
    }

    @Test
    void errorsExitNonZeroWithAMessage() {
        LoopbackDoorbell bell = new LoopbackDoorbell();
        assertThat(run(
                        bell,
                        "--pool",
                        "hvl9p-no-such-pool",
                        "--phys-base",
                        "0x37000000",
                        "--layout",
                        "dtb",
                        "--doorbell",
                        "fifo:/x",
                        "--probe"))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no pool of that name");
        assertThat(run(bell, "--layout", "tree")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected: dtb or packed");
    }
}

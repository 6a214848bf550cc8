package io.hvl9p.transport.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.mmio.Regs;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The device is untrusted from the driver's side too: what it writes is validated. */
class HostileDeviceTest {
    /** (queue, head) -> writes a broken used ring. */
    static Stream<Arguments> brokenUsedRings() {
        return Stream.of(
                Arguments.of("used index jumps past the queue size", "jumped", (BiConsumer<Rig, int[]>)
                        (rig, qh) -> rig.mem.writeU16Release(qh[0] + 2, 9)),
                Arguments.of("used id is not an outstanding head", "not an outstanding head", (BiConsumer<Rig, int[]>)
                        (rig, qh) -> used(rig, qh[0], qh[1] + 1, 0)),
                Arguments.of("used id beyond the table", "not an outstanding head", (BiConsumer<Rig, int[]>)
                        (rig, qh) -> used(rig, qh[0], -1, 0)),
                Arguments.of("used len beyond the writable bytes", "writable bytes", (BiConsumer<Rig, int[]>)
                        (rig, qh) -> used(rig, qh[0], qh[1], 5)));
    }

    private static void used(Rig rig, long usedRing, int id, int len) {
        rig.mem.writeU32(usedRing + 4, id);
        rig.mem.writeU32(usedRing + 8, len);
        rig.mem.writeU16Release(usedRing + 2, 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenUsedRings")
    void brokenUsedRingBreaksTheQueue(String name, String message, BiConsumer<Rig, int[]> breakIt) throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            rig.fake.start();
            DriverDevice dev = rig.attach(Rig.fast()).device(1);
            dev.initialize(new int[] {8}, 0);
            rig.fake.serveRings = false;
            DriverQueue q = dev.queue(0);
            long pa = dev.memory().alloc(8).pa();
            int head = q.submit(List.of(new Segment(pa, 4)), List.of(new Segment(pa + 4, 4)), "t");
            breakIt.accept(rig, new int[] {(int) (q.usedRingPa() - 0), head});
            assertThatThrownBy(q::tryTake).isInstanceOf(DeviceException.class).hasMessageContaining(message);
            // broken for good: later callers get the same diagnosis
            assertThatThrownBy(() -> q.submit(List.of(new Segment(pa, 4)), List.of(), "u"))
                    .isInstanceOf(DeviceException.class)
                    .hasMessageContaining(message);
            assertThatThrownBy(() -> q.take(1000)).isInstanceOf(DeviceException.class);
        }
    }

    @Test
    void attachRefusesDevicesOutsideHypervisorlessMode() throws Exception {
        int[][] cases = {
            {Regs.SHM_LEN_LOW, 0}, {Regs.SHM_BASE_LOW, 0}, {Regs.MAGIC_VALUE, 0x12345678}, {Regs.VERSION, 2}
        };
        String[] messages = {"hypervisor-less", "hypervisor-less", "magic", "version 2"};
        for (int i = 0; i < cases.length; i++) {
            try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
                rig.mem.writeU32Release(rig.layout.device(1).headerPa() + cases[i][0], cases[i][1]);
                assertThatThrownBy(() -> rig.attach(Rig.fast()))
                        .isInstanceOf(DeviceException.class)
                        .hasMessageContaining("device 1")
                        .hasMessageContaining(messages[i]);
            }
        }
    }

    @Test
    void attachRefusesDeviceMemoryOutsideThePoolOrOverHeaders() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            rig.mem.writeU32Release(rig.layout.device(1).headerPa() + Regs.SHM_LEN_LOW, 0x7fff_0000);
            assertThatThrownBy(() -> rig.attach(Rig.fast()))
                    .isInstanceOf(DeviceException.class)
                    .hasMessageContaining("not inside");
        }
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            long h0 = rig.layout.device(0).headerPa();
            rig.mem.writeU32Release(rig.layout.device(1).headerPa() + Regs.SHM_BASE_LOW, (int) h0);
            assertThatThrownBy(() -> rig.attach(Rig.fast()))
                    .isInstanceOf(DeviceException.class)
                    .hasMessageContaining("overlaps the register header");
        }
    }

    @Test
    void packedDevicesShareOneAllocatorAndDtbDevicesHaveTheirOwn() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.PACKED)) {
            FrontEnd fe = rig.attach(Rig.fast());
            assertThat(fe.memories()).hasSize(1);
            assertThat(fe.device(0).memory()).isSameAs(fe.device(1).memory());
        }
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            FrontEnd fe = rig.attach(Rig.fast());
            assertThat(fe.memories()).hasSize(2);
        }
    }
}

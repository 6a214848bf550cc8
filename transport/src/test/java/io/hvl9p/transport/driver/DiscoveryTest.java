package io.hvl9p.transport.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.layout.DevicePlacement;
import io.hvl9p.transport.layout.DeviceSpec;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.mmio.Regs;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finding the register headers: the FDT of the dtb layout, the magic scan of the packed one. */
class DiscoveryTest {
    private static final long BASE = 0x3700_0000L;

    @Test
    void fdtHeadersAreTheRegOfEveryVirtioNode() throws Exception {
        PoolLayout layout = PoolLayout.dtb(
                BASE,
                4 << 20,
                List.of(new DeviceSpec(3, 0x5e00), new DeviceSpec(9, 0x5e00), new DeviceSpec(19, 0xfe00)));
        List<Long> want =
                layout.devices().stream().map(DevicePlacement::headerPa).toList();
        assertThat(FrontEnd.fdtHeaders(layout.fdt().orElseThrow())).containsExactlyElementsOf(want);
    }

    @Test
    void fdtHeadersAboveFourGibUseBothCells() throws Exception {
        PoolLayout layout = PoolLayout.dtb(0x8_0000_0000L, 1 << 20, List.of(new DeviceSpec(9, 0x5e00)));
        assertThat(FrontEnd.fdtHeaders(layout.fdt().orElseThrow())).containsExactly(0x8_0001_0000L);
    }

    @Test
    void fdtHeadersFromThePool() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            assertThat(FrontEnd.headers(rig.mem, PoolLayout.Kind.DTB))
                    .containsExactly(
                            rig.layout.device(0).headerPa(),
                            rig.layout.device(1).headerPa());
        }
    }

    @Test
    void malformedFdtIsRefused() {
        byte[] fdt = PoolLayout.dtb(BASE, 1 << 20, List.of(new DeviceSpec(9, 0x5e00)))
                .fdt()
                .orElseThrow();
        byte[] badMagic = fdt.clone();
        badMagic[0] = 0;
        assertThatThrownBy(() -> FrontEnd.fdtHeaders(badMagic))
                .isInstanceOf(DeviceException.class)
                .hasMessageContaining("magic");
        byte[] truncated = java.util.Arrays.copyOf(fdt, fdt.length - 8);
        assertThatThrownBy(() -> FrontEnd.fdtHeaders(truncated))
                .isInstanceOf(DeviceException.class)
                .hasMessageContaining("malformed FDT");
        for (int cut = 0; cut < fdt.length; cut += 7) {
            byte[] shattered = fdt.clone();
            shattered[cut] ^= (byte) 0xFF;
            try {
                FrontEnd.fdtHeaders(shattered);
            } catch (DeviceException expected) {
                // any corruption is a DeviceException, never another exception
            }
        }
    }

    @Test
    void packedScanFindsEverySlotWithTheMagic() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.PACKED, Collections.nCopies(8, new DeviceSpec(9, 0)))) {
            assertThat(FrontEnd.packedHeaders(rig.mem)).hasSize(8);
            rig.mem.writeU32Release(BASE + 0x400 + Regs.MAGIC_VALUE, 0);
            assertThat(FrontEnd.packedHeaders(rig.mem))
                    .containsExactly(
                            BASE, BASE + 0x200, BASE + 0x600, BASE + 0x800, BASE + 0xa00, BASE + 0xc00, BASE + 0xe00);
        }
    }
}

package io.hvl9p.transport.layout;

import static io.hvl9p.transport.layout.PoolLayout.Kind.DTB;
import static io.hvl9p.transport.layout.PoolLayout.Kind.PACKED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.fdt.Dtc;
import io.hvl9p.transport.layout.PoolLayout.Kind;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PoolLayoutTest {
    private static final long BASE = 0x3700_0000L;
    private static final long MIB = 1024 * 1024;
    private static final DeviceSpec NINE_P = new DeviceSpec(9, 0x5e00); // 24 KiB block
    private static final DeviceSpec CONSOLE = new DeviceSpec(3, 0x5e00); // 24 KiB block
    private static final DeviceSpec VSOCK = new DeviceSpec(19, 0xfe00); // 64 KiB block
    private static final DeviceSpec NET = new DeviceSpec(1, 0x7fe00); // 512 KiB block

    /** Expected {headerOffset, configOffset, memoryOffset, memorySize} per device. */
    static Stream<Arguments> placements() {
        long shared = MIB - 0x1000;
        return Stream.of(
                Arguments.of(DTB, List.of(NINE_P), new long[][] {{0x10000, 0x10100, 0x10200, 0x5e00}}),
                Arguments.of(DTB, List.of(CONSOLE, NINE_P), new long[][] {
                    {0x10000, 0x10100, 0x10200, 0x5e00}, {0x16000, 0x16100, 0x16200, 0x5e00}
                }),
                Arguments.of(DTB, List.of(CONSOLE, NINE_P, VSOCK, NET), new long[][] {
                    {0x10000, 0x10100, 0x10200, 0x5e00},
                    {0x16000, 0x16100, 0x16200, 0x5e00},
                    {0x1c000, 0x1c100, 0x1c200, 0xfe00},
                    {0x2c000, 0x2c100, 0x2c200, 0x7fe00}
                }),
                Arguments.of(PACKED, List.of(NINE_P), new long[][] {{0x000, 0x100, 0x1000, shared}}),
                Arguments.of(PACKED, List.of(CONSOLE, NINE_P), new long[][] {
                    {0x000, 0x100, 0x1000, shared}, {0x200, 0x300, 0x1000, shared}
                }),
                Arguments.of(PACKED, List.of(CONSOLE, NINE_P, VSOCK, NET), new long[][] {
                    {0x000, 0x100, 0x1000, shared},
                    {0x200, 0x300, 0x1000, shared},
                    {0x400, 0x500, 0x1000, shared},
                    {0x600, 0x700, 0x1000, shared}
                }));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("placements")
    void placesDevices(Kind kind, List<DeviceSpec> specs, long[][] expected) {
        PoolLayout layout = PoolLayout.of(kind, BASE, MIB, specs);
        assertThat(layout.kind()).isEqualTo(kind);
        assertThat(layout.physBase()).isEqualTo(BASE);
        assertThat(layout.size()).isEqualTo(MIB);
        assertThat(layout.devices()).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            DevicePlacement d = layout.device(i);
            assertThat(d.index()).isEqualTo(i);
            assertThat(d.spec()).isEqualTo(specs.get(i));
            assertThat(new long[] {d.headerOffset(), d.configOffset(), d.memoryOffset(), d.memorySize()})
                    .as("device %d", i)
                    .containsExactly(expected[i]);
            assertThat(d.headerPa()).isEqualTo(BASE + expected[i][0]);
            assertThat(d.configPa()).isEqualTo(BASE + expected[i][1]);
            assertThat(d.memoryPa()).isEqualTo(BASE + expected[i][2]);
        }
        assertThat(layout.fdt().isPresent()).isEqualTo(kind == DTB);
    }

    /** Regression: the reference back-end puts device n ≥ 1's config space elsewhere in packed. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7})
    void packedConfigSpaceIsAtHeaderPlus0x100ForDeviceN(int n) {
        PoolLayout layout = PoolLayout.packed(BASE, MIB, Collections.nCopies(8, NINE_P));
        DevicePlacement d = layout.device(n);
        assertThat(d.headerOffset()).isEqualTo(n * 0x200L);
        assertThat(d.configOffset()).isEqualTo(d.headerOffset() + PoolLayout.CONFIG_OFFSET);
        assertThat(d.configPa()).isEqualTo(BASE + n * 0x200L + 0x100);
    }

    @Test
    void dtbFdtDescribesEveryDevice() throws Exception {
        PoolLayout layout = PoolLayout.dtb(BASE, MIB, List.of(CONSOLE, NINE_P, VSOCK));
        byte[] fdt = layout.fdt().orElseThrow();
        assertThat(fdt.length).isLessThanOrEqualTo(PoolLayout.FDT_AREA_SIZE);

        Dtc.Tree tree = Dtc.decompile(fdt);

        assertThat(tree.stderr()).as("dtc warnings").isEmpty();
        assertThat(tree.nodes().keySet())
                .containsExactly("/", "/virtio@37010000", "/virtio@37016000", "/virtio@3701c000");
        assertThat(tree.nodes().get("/"))
                .containsExactly(Map.entry("#address-cells", "<0x02>"), Map.entry("#size-cells", "<0x02>"));
        for (DevicePlacement d : layout.devices()) {
            assertThat(tree.nodes().get("/virtio@" + Long.toHexString(d.headerPa())))
                    .containsExactly(
                            Map.entry("compatible", "\"virtio,mmio\""),
                            Map.entry("reg", "<0x00 0x" + Long.toHexString(d.headerPa()) + " 0x00 0x200>"),
                            Map.entry("dma-coherent", ""));
        }
    }

    @Test
    void dtbRegCarriesHighAddressBits() throws Exception {
        PoolLayout layout = PoolLayout.dtb(0x8_0000_0000L, MIB, List.of(NINE_P));
        assertThat(Dtc.decompile(layout.fdt().orElseThrow()).nodes().get("/virtio@800010000"))
                .containsEntry("reg", "<0x08 0x10000 0x00 0x200>");
    }

    @Test
    void fdtIsACopy() {
        PoolLayout layout = PoolLayout.dtb(BASE, MIB, List.of(NINE_P));
        layout.fdt().orElseThrow()[0] = 0;
        assertThat(layout.fdt().orElseThrow()[0]).isEqualTo((byte) 0xd0);
    }

    @Test
    void exactFitIsAccepted() {
        assertThat(PoolLayout.dtb(BASE, 0x16000, List.of(NINE_P)).device(0).memoryOffset())
                .isEqualTo(0x10200);
        assertThat(PoolLayout.packed(BASE, 0x2000, Collections.nCopies(8, NINE_P))
                        .device(7)
                        .memorySize())
                .isEqualTo(0x1000);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(DTB, BASE, 0x15000L, List.of(NINE_P), "device 0: block [0x10000, 0x16000) does not fit"),
                Arguments.of(
                        DTB, BASE, 0x20000L, List.of(NINE_P, NINE_P, NINE_P), "device 2: block [0x1c000, 0x22000)"),
                Arguments.of(DTB, BASE, 0x10000L, List.of(NINE_P), "does not fit in the pool of 0x10000 bytes"),
                Arguments.of(DTB, BASE, MIB, List.of(new DeviceSpec(9, 0x6000)), "block of 0x6200 bytes"),
                Arguments.of(DTB, BASE, MIB, List.of(NINE_P, new DeviceSpec(9, 0)), "device 1: block of 0x200 bytes"),
                Arguments.of(
                        DTB, BASE, MIB, List.of(new DeviceSpec(9, 0x6000)), "expected memorySize: 0x5e00 or 0x6e00"),
                Arguments.of(DTB, BASE, 0x7ffff000L, List.of(new DeviceSpec(1, Integer.MAX_VALUE)), "not a multiple"),
                Arguments.of(PACKED, BASE, MIB, Collections.nCopies(9, NINE_P), "9 devices do not fit"),
                Arguments.of(PACKED, BASE, 0x1000L, List.of(NINE_P), "leaves no shared area"),
                Arguments.of(DTB, BASE + 0x800, MIB, List.of(NINE_P), "phys base 0x37000800 is not 4 KiB aligned"),
                Arguments.of(PACKED, BASE + 1, MIB, List.of(NINE_P), "not 4 KiB aligned"),
                Arguments.of(DTB, -0x1000L, MIB, List.of(NINE_P), "not 4 KiB aligned"),
                Arguments.of(DTB, BASE, MIB + 0x800, List.of(NINE_P), "pool size 0x100800"),
                Arguments.of(PACKED, BASE, 0L, List.of(NINE_P), "pool size 0x0"),
                Arguments.of(DTB, BASE, -0x1000L, List.of(NINE_P), "expected: a positive multiple of 4 KiB"),
                Arguments.of(DTB, 0x7fff_ffff_ffff_0000L, MIB, List.of(NINE_P), "overflows"),
                Arguments.of(PACKED, 0x7fff_ffff_ffff_f000L, 0x2000L, List.of(NINE_P), "overflows"),
                Arguments.of(DTB, BASE, MIB, List.of(), "no devices"),
                Arguments.of(PACKED, BASE, MIB, List.of(), "no devices"));
    }

    @ParameterizedTest(name = "{0} base={1} size={2} {4}")
    @MethodSource("refused")
    void refusesPoolsThatDoNotWork(Kind kind, long base, long size, List<DeviceSpec> specs, String message) {
        assertThatThrownBy(() -> PoolLayout.of(kind, base, size, specs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesBadDeviceSpecs() {
        assertThatThrownBy(() -> new DeviceSpec(0, 0x5e00)).hasMessageContaining("deviceId 0 (expected: > 0");
        assertThatThrownBy(() -> new DeviceSpec(9, -1)).hasMessageContaining("memorySize -1 (expected: >= 0)");
    }

    @Test
    void refusesAnFdtLargerThan64KiB() {
        // Each node takes ~96 bytes of structure; 800 devices of 4 KiB blocks make an FDT over 64 KiB.
        List<DeviceSpec> many = Collections.nCopies(800, new DeviceSpec(9, 0xe00));
        assertThatThrownBy(() -> PoolLayout.dtb(BASE, 16 * MIB, many))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit its area (expected: <= 0x10000)");
    }
}

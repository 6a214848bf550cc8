package io.hvl9p.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.daemon.ConfigCommandTest.Result;
import io.hvl9p.daemon.runtime.RuntimeHost;
import io.hvl9p.exports.config.ConfigLoader;
import io.hvl9p.exports.config.DaemonConfig;
import io.hvl9p.transport.layout.DevicePlacement;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hvl9p dt}: its output compiles with dtc, and every address in it is PoolLayout's. */
class DtCommandTest {
    @TempDir
    Path tmp;

    private static final Pattern NODE =
            Pattern.compile("(?m)^\\s*(?:[A-Za-z0-9_]+: )?([A-Za-z0-9,._+-]+)@([0-9a-f]+) \\{([^}]*)\\}");

    /** dtc -I dts -O dtb, then -I dtb -O dts: the normalized source of what dtc compiled. */
    private String roundTrip(String dts, String name) throws IOException, InterruptedException {
        Path src = tmp.resolve(name + ".dts");
        Path blob = tmp.resolve(name + ".dtb");
        Files.writeString(src, dts);
        dtc("-I", "dts", "-O", "dtb", "-o", blob.toString(), src.toString());
        return dtc("-I", "dtb", "-O", "dts", blob.toString());
    }

    private String decompile(byte[] fdt, String name) throws IOException, InterruptedException {
        Path blob = tmp.resolve(name + ".dtb");
        Files.write(blob, fdt);
        return dtc("-I", "dtb", "-O", "dts", blob.toString());
    }

    private String dtc(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dtc", "-q"));
        cmd.addAll(List.of(args));
        Path errFile = tmp.resolve("dtc.err");
        Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("dtc %s: %s", cmd, Files.readString(errFile))
                .isZero();
        return out;
    }

    /** name@addr → its reg cells, of every node with a reg. */
    private static Map<String, List<Long>> regs(String dts) {
        Map<String, List<Long>> m = new LinkedHashMap<>();
        Matcher n = NODE.matcher(dts);
        while (n.find()) {
            Matcher r = Pattern.compile("reg = <([^>]*)>").matcher(n.group(3));
            if (r.find()) {
                List<Long> cells = new ArrayList<>();
                for (String c : r.group(1).trim().split("\\s+")) {
                    cells.add(Long.decode(c));
                }
                m.put(n.group(1) + "@" + n.group(2), cells);
            }
        }
        return m;
    }

    private static List<Long> cells(long address, long size) {
        return List.of(address >>> 32, address & 0xffffffffL, size >>> 32, size & 0xffffffffL);
    }

    private Path example() throws IOException {
        return ConfigCommandTest.example(tmp);
    }

    private static PoolLayout layout(Path file, String runtime) throws Exception {
        DaemonConfig c = ConfigLoader.load(file);
        return RuntimeHost.layoutOf(ConfiguredRuntime.spec(c.runtime(runtime).orElseThrow()));
    }

    @Test
    void runtimeSideOfADtbPoolIsThePoolsOwnFdtPlusTheRegion() throws Exception {
        Path f = example();
        Result r = ConfigCommandTest.run("dt", f.toString(), "--runtime", "vxworks");
        assertThat(r.err()).isEmpty();
        assertThat(r.status()).isZero();
        PoolLayout l = layout(f, "vxworks");
        assertThat(l.devices()).hasSize(3);
        Map<String, List<Long>> got = regs(roundTrip(r.out(), "vxworks"));

        Map<String, List<Long>> expected = new LinkedHashMap<>();
        expected.put("hvl9p-pool@" + Long.toHexString(l.physBase()), cells(l.physBase(), l.size()));
        for (DevicePlacement d : l.devices()) {
            expected.put("virtio@" + Long.toHexString(d.headerPa()), cells(d.headerPa(), PoolLayout.HEADER_SIZE));
        }
        assertThat(got).containsExactlyInAnyOrderEntriesOf(expected);
        // the firmware export's 2M block comes first, at the end of the FDT area
        assertThat(got).containsEntry("virtio@37010000", cells(0x37010000L, 0x200));

        // and the virtio nodes are exactly those of the FDT written into the pool
        Map<String, List<Long>> fdt = regs(decompile(l.fdt().orElseThrow(), "pool"));
        Map<String, List<Long>> virtio = new LinkedHashMap<>(got);
        virtio.keySet().removeIf(k -> !k.startsWith("virtio@"));
        assertThat(virtio).containsExactlyInAnyOrderEntriesOf(fdt);
        assertThat(r.out())
                .contains("compatible = \"virtio,mmio\";")
                .contains("dma-coherent;")
                .contains("no-map;");
    }

    @Test
    void runtimeSideOfAPackedPool() throws Exception {
        Path f = example();
        Result r = ConfigCommandTest.run("dt", f.toString(), "--runtime", "zephyr");
        assertThat(r.status()).isZero();
        PoolLayout l = layout(f, "zephyr");
        assertThat(l.kind()).isEqualTo(PoolLayout.Kind.PACKED);
        assertThat(regs(roundTrip(r.out(), "zephyr")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "hvl9p-pool@38000000", cells(0x38000000L, 4 << 20),
                        "virtio@38000000", cells(0x38000000L, 0x200)));
        assertThat(r.out()).contains("shared area [0x38001000, 0x38400000)");
    }

    @Test
    void linuxSideReservesEveryPoolAndExposesItToUio() throws Exception {
        Path f = example();
        Result r = ConfigCommandTest.run("dt", f.toString(), "--side", "linux");
        assertThat(r.err()).isEmpty();
        assertThat(r.status()).isZero();
        PoolLayout vx = layout(f, "vxworks");
        PoolLayout ze = layout(f, "zephyr");
        String dts = roundTrip(r.out(), "linux");
        assertThat(regs(dts))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "hvl9p-vxworks-pool@37000000", cells(0x37000000L, vx.size()),
                        "hvl9p-zephyr-pool@38000000", cells(0x38000000L, ze.size()),
                        "hvl9p-vxworks@37000000", cells(0x37000000L, vx.size()),
                        "hvl9p-zephyr@38000000", cells(0x38000000L, ze.size())));
        assertThat(dts).contains("reserved-memory {").contains("no-map;").contains("compatible = \"generic-uio\";");
        assertThat(r.out()).contains("of_id=generic-uio");
    }

    @Test
    void linuxSideOfOneRuntime() throws Exception {
        Path f = example();
        Result r = ConfigCommandTest.run("dt", f.toString(), "--side", "linux", "--runtime", "zephyr");
        assertThat(r.status()).isZero();
        assertThat(regs(roundTrip(r.out(), "linux1")).keySet())
                .containsExactlyInAnyOrder("hvl9p-zephyr-pool@38000000", "hvl9p-zephyr@38000000");
    }

    @Test
    void runtimeSideNeedsOneRuntime() throws Exception {
        Path f = example();
        Result r = ConfigCommandTest.run("dt", f.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("hvl9p dt: " + f + " has 2 runtimes (expected: --runtime one of vxworks, zephyr)\n");
        r = ConfigCommandTest.run("dt", f.toString(), "--runtime", "qnx");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("hvl9p dt: no runtime qnx in " + f + " (expected one of: vxworks, zephyr)\n");
        r = ConfigCommandTest.run("dt", f.toString(), "--side", "both");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("hvl9p dt: --side both (expected: runtime or linux)\n");
    }

    @Test
    void aBrokenFileGivesItsErrors() throws Exception {
        Path f = tmp.resolve("b.toml");
        Files.writeString(f, "[[runtime]]\nname = \"a\"\nlayout = \"round\"\n[runtime.console]\n");
        Result r = ConfigCommandTest.run("dt", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(f + ":3: layout \"round\" (expected: \"dtb\" or \"packed\")\n");
    }

    @Test
    void cellsSplitAddressesAbove4GiB() {
        assertThat(DtCommand.cells(0x1_2345_6000L, 0x20_0000L)).isEqualTo("<0x1 0x23456000 0x0 0x200000>");
    }
}

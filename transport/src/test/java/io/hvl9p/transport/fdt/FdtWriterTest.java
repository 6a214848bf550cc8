package io.hvl9p.transport.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FdtWriterTest {

    @Test
    void dtcDecompilesEveryKindOfPropertyNodeByNode() throws Exception {
        byte[] blob = FdtWriter.root()
                .prop("#address-cells", 2)
                .prop("#size-cells", 2)
                .prop("model", "hvl9p test")
                .prop("compatible", List.of("vendor,board", "simple-bus"))
                .node("virtio@37010000")
                .prop("compatible", "virtio,mmio")
                .prop("reg", new long[] {0x3701_0000L, 0x200})
                .prop("dma-coherent")
                .end()
                .node("soc")
                .prop("cells", new int[] {1, 0xdeadbeef, 0})
                .prop("big", 0x1_0000_0002L)
                .node("child@1,2")
                .raw("bytes", new byte[] {1, 2, 3})
                .end()
                .end()
                .toBytes();

        Dtc.Tree tree = Dtc.decompile(blob);

        assertThat(tree.nodes().keySet()).containsExactly("/", "/virtio@37010000", "/soc", "/soc/child@1,2");
        assertThat(tree.nodes().get("/"))
                .containsExactly(
                        Map.entry("#address-cells", "<0x02>"),
                        Map.entry("#size-cells", "<0x02>"),
                        Map.entry("model", "\"hvl9p test\""),
                        Map.entry("compatible", "\"vendor,board\\0simple-bus\""));
        assertThat(tree.nodes().get("/virtio@37010000"))
                .containsExactly(
                        Map.entry("compatible", "\"virtio,mmio\""),
                        Map.entry("reg", "<0x00 0x37010000 0x00 0x200>"),
                        Map.entry("dma-coherent", ""));
        assertThat(tree.nodes().get("/soc"))
                .containsExactly(Map.entry("cells", "<0x01 0xdeadbeef 0x00>"), Map.entry("big", "<0x01 0x02>"));
        assertThat(tree.nodes().get("/soc/child@1,2")).containsExactly(Map.entry("bytes", "[01 02 03]"));
    }

    @Test
    void headerFollowsVersion17() {
        byte[] blob = FdtWriter.root()
                .bootCpuidPhys(3)
                .prop("a", 1)
                .node("n")
                .prop("a", 2)
                .end()
                .toBytes();
        ByteBuffer b = ByteBuffer.wrap(blob);
        int offStruct = b.getInt(8);
        int offStrings = b.getInt(12);
        int offRsvmap = b.getInt(16);
        assertThat(b.getInt(0)).isEqualTo(0xd00dfeed);
        assertThat(b.getInt(4)).isEqualTo(blob.length);
        assertThat(offRsvmap).isEqualTo(40);
        assertThat(b.getLong(offRsvmap)).isZero();
        assertThat(b.getLong(offRsvmap + 8)).isZero();
        assertThat(offStruct % 4).isZero();
        assertThat(b.getInt(20)).isEqualTo(17);
        assertThat(b.getInt(24)).isEqualTo(16);
        assertThat(b.getInt(28)).isEqualTo(3);
        assertThat(b.getInt(32)).isEqualTo(blob.length - offStrings);
        assertThat(b.getInt(36)).isEqualTo(offStrings - offStruct);
        assertThat(b.getInt(offStruct)).isEqualTo(FdtWriter.FDT_BEGIN_NODE);
        assertThat(b.getInt(offStrings - 4)).isEqualTo(FdtWriter.FDT_END);
        // "a" used twice, stored once
        assertThat(new String(blob, offStrings, blob.length - offStrings, StandardCharsets.US_ASCII))
                .isEqualTo("a\0");
    }

    @Test
    void propertiesComeBeforeChildrenWhateverTheCallOrder() throws Exception {
        byte[] blob = FdtWriter.root().node("a").end().prop("late", 7).toBytes();
        assertThat(Dtc.decompile(blob).dts()).containsSubsequence("late = <0x07>;", "a {");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "virtio@37010000", "cpu@0", "A-b_c.d,e+f", "n@1,2", "x123456789012345678901234567890"})
    void acceptsValidNodeNames(String name) {
        assertThat(FdtWriter.root().node(name).end().toBytes()).isNotEmpty();
    }

    static Stream<Arguments> malformed() {
        String long32 = "x".repeat(32);
        return Stream.of(
                bad("empty node name", w -> w.node(""), "empty node-name"),
                bad("only unit address", w -> w.node("@10"), "empty node-name"),
                bad("empty unit address", w -> w.node("virtio@"), "empty unit address"),
                bad("node starts with digit", w -> w.node("1abc"), "must start with a letter"),
                bad("slash in node name", w -> w.node("a/b"), "character '/'"),
                bad("space in node name", w -> w.node("a b"), "character ' '"),
                bad("NUL in node name", w -> w.node("a\0b"), "\\u0000"),
                bad("two @ in node name", w -> w.node("a@1@2"), "character '@'"),
                bad("# in node name", w -> w.node("a#b"), "character '#'"),
                bad("node name too long", w -> w.node(long32), "32 characters (expected: <= 31)"),
                bad("duplicate node", w -> w.node("a").end().node("a"), "duplicate node name \"a\" under /"),
                bad("duplicate nested node", w -> w.node("a").node("b").end().node("b"), "under /a"),
                bad("empty property name", w -> w.prop(""), "empty property name"),
                bad("property name too long", w -> w.prop(long32, 1), "32 characters (expected: <= 31)"),
                bad("@ in property name", w -> w.prop("a@b"), "character '@'"),
                bad("duplicate property", w -> w.prop("reg", 1).prop("reg", 2), "duplicate property \"reg\" in /"),
                bad("duplicate in child", w -> w.node("n").prop("x").prop("x", "s"), "in /n"),
                bad("NUL in string", w -> w.prop("s", "a\0b"), "no NUL"),
                bad("non-ASCII string", w -> w.prop("s", "é"), "printable ASCII"),
                bad("empty string list", w -> w.prop("s", List.of()), "empty string list"));
    }

    private static Arguments bad(String what, Consumer<FdtWriter> call, String message) {
        return Arguments.of(what, call, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformedInput(String what, Consumer<FdtWriter> call, String message) {
        assertThatThrownBy(() -> call.accept(FdtWriter.root()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesUnbalancedNodes() {
        assertThatThrownBy(() -> FdtWriter.root().node("a").node("b").toBytes())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/a/b is still open (2 end() call(s) missing)");
        assertThatThrownBy(() -> FdtWriter.root().end())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("end() without an open node");
    }

    @Test
    void rawValuesAreCopied() throws Exception {
        byte[] value = {1, 2};
        FdtWriter w = FdtWriter.root().raw("v", value);
        value[0] = 9;
        assertThat(Dtc.decompile(w.toBytes()).nodes().get("/")).containsEntry("v", "[01 02]");
    }
}

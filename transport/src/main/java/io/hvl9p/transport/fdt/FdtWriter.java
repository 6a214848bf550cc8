package io.hvl9p.transport.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a flattened device tree blob (Devicetree Specification v0.4, chapter 5, format version 17).
 *
 * <p>Why: the {@code dtb} pool layout (hvl-transport.md section 2) starts with an FDT that tells the
 * front-end where each virtio-mmio register header lives. The blob must decompile with {@code dtc -I
 * dtb -O dts}.
 *
 * <p>Usage: {@code FdtWriter.root().prop("#address-cells", 2).node("virtio@37010000").prop("compatible",
 * "virtio,mmio").prop("dma-coherent").end().toBytes()}. Calls go to the current node; {@link #node}
 * opens a child, {@link #end} closes it. Properties are always written before child nodes, as the
 * format requires, whatever the call order. Every name is validated when it is given, so a mistake
 * fails at the call that made it.
 *
 * <p>Not thread-safe; one writer builds one blob.
 */
public final class FdtWriter {
    /** The FDT header magic (spec 5.2). */
    public static final int MAGIC = 0xd00dfeed;
    /** The format version written (spec 5.2). */
    public static final int VERSION = 17;
    /** The oldest version this blob is backwards compatible with (spec 5.2). */
    public static final int LAST_COMP_VERSION = 16;
    /** The longest node name or property name, in characters (spec 2.2.1 and 2.2.4). */
    public static final int MAX_NAME_LENGTH = 31;

    static final int FDT_BEGIN_NODE = 0x1;
    static final int FDT_END_NODE = 0x2;
    static final int FDT_PROP = 0x3;
    static final int FDT_END = 0x9;
    static final int HEADER_SIZE = 40;
    static final int RSVMAP_ENTRY_SIZE = 16;

    private final Node root = new Node("", null);
    private final Deque<Node> open = new ArrayDeque<>();
    private int bootCpuidPhys;

    private FdtWriter() {
        open.push(root);
    }

    /** A writer whose current node is the (unnamed) root node. */
    public static FdtWriter root() {
        return new FdtWriter();
    }

    /** Sets the header's {@code boot_cpuid_phys} (default 0). */
    public FdtWriter bootCpuidPhys(int cpu) {
        this.bootCpuidPhys = cpu;
        return this;
    }

    /**
     * Opens a child node of the current node and makes it current.
     *
     * @throws IllegalArgumentException if the name is not {@code node-name[@unit-address]} per spec
     *     2.2.1, or the current node already has a child of that name
     */
    public FdtWriter node(String name) {
        FdtNames.checkNodeName(name);
        Node parent = current();
        for (Node child : parent.children) {
            if (child.name.equals(name)) {
                throw new IllegalArgumentException("duplicate node name \"" + name + "\" under " + parent.path());
            }
        }
        Node child = new Node(name, parent);
        parent.children.add(child);
        open.push(child);
        return this;
    }

    /**
     * Closes the current node and makes its parent current.
     *
     * @throws IllegalStateException if the current node is the root
     */
    public FdtWriter end() {
        if (open.size() == 1) {
            throw new IllegalStateException("end() without an open node: the root is not closed by end()");
        }
        open.pop();
        return this;
    }

    /** An empty (boolean) property such as {@code dma-coherent}. */
    public FdtWriter prop(String name) {
        return raw(name, new byte[0]);
    }

    /** A property of one u32 cell. */
    public FdtWriter prop(String name, int cell) {
        return prop(name, new int[] {cell});
    }

    /** A property of u32 cells, big-endian. */
    public FdtWriter prop(String name, int[] cells) {
        Objects.requireNonNull(cells, "cells");
        ByteBuffer b = ByteBuffer.allocate(cells.length * 4);
        for (int c : cells) {
            b.putInt(c);
        }
        return raw(name, b.array());
    }

    /** A property of one u64 value, as two cells (high cell first). */
    public FdtWriter prop(String name, long value) {
        return prop(name, new long[] {value});
    }

    /**
     * A property of u64 values, each as two cells (high cell first), as {@code reg} is written when
     * {@code #address-cells} and {@code #size-cells} are 2.
     */
    public FdtWriter prop(String name, long[] values) {
        Objects.requireNonNull(values, "values");
        ByteBuffer b = ByteBuffer.allocate(values.length * 8);
        for (long v : values) {
            b.putLong(v);
        }
        return raw(name, b.array());
    }

    /** A string property, written NUL-terminated. */
    public FdtWriter prop(String name, String value) {
        return prop(name, List.of(value));
    }

    /**
     * A string-list property (such as {@code compatible} with several entries), each string
     * NUL-terminated.
     *
     * @throws IllegalArgumentException if the list is empty or a string contains NUL or is not ASCII
     */
    public FdtWriter prop(String name, List<String> values) {
        Objects.requireNonNull(values, "values");
        if (values.isEmpty()) {
            throw new IllegalArgumentException(
                    "property \"" + name + "\": empty string list (use prop(name) for an empty property)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String v : values) {
            Objects.requireNonNull(v, "string list entry");
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == 0 || c > 0x7e) {
                    throw new IllegalArgumentException("property \"" + name + "\": string \"" + v.replace("\0", "\\0")
                            + "\" has a character 0x" + Integer.toHexString(c)
                            + " at index " + i + " (expected: printable ASCII, no NUL)");
                }
            }
            out.writeBytes(v.getBytes(StandardCharsets.US_ASCII));
            out.write(0);
        }
        return raw(name, out.toByteArray());
    }

    /** A property with raw bytes as its value (copied). */
    public FdtWriter raw(String name, byte[] value) {
        FdtNames.checkPropertyName(name);
        Objects.requireNonNull(value, "value");
        Node node = current();
        if (node.props.containsKey(name)) {
            throw new IllegalArgumentException("duplicate property \"" + name + "\" in " + node.path());
        }
        node.props.put(name, value.clone());
        return this;
    }

    /**
     * Writes the blob: header, an empty memory reservation map, the structure block and the strings
     * block (property names deduplicated).
     *
     * @throws IllegalStateException if a node opened with {@link #node} has not been closed
     */
    public byte[] toBytes() {
        if (open.size() != 1) {
            throw new IllegalStateException(
                    "node " + current().path() + " is still open (" + (open.size() - 1) + " end() call(s) missing)");
        }
        FdtStrings strings = new FdtStrings();
        ByteArrayOutputStream struct = new ByteArrayOutputStream();
        writeNode(root, struct, strings);
        putInt(struct, FDT_END);
        byte[] structBytes = struct.toByteArray();
        byte[] stringBytes = strings.toBytes();

        int offRsvmap = HEADER_SIZE; // 8-byte aligned
        int offStruct = offRsvmap + RSVMAP_ENTRY_SIZE; // one terminating entry
        int offStrings = offStruct + structBytes.length;
        int total = offStrings + stringBytes.length;
        ByteBuffer b = ByteBuffer.allocate(total); // big-endian
        b.putInt(MAGIC)
                .putInt(total)
                .putInt(offStruct)
                .putInt(offStrings)
                .putInt(offRsvmap)
                .putInt(VERSION)
                .putInt(LAST_COMP_VERSION)
                .putInt(bootCpuidPhys)
                .putInt(stringBytes.length)
                .putInt(structBytes.length);
        b.put(new byte[RSVMAP_ENTRY_SIZE]);
        b.put(structBytes);
        b.put(stringBytes);
        return b.array();
    }

    private static void writeNode(Node node, ByteArrayOutputStream out, FdtStrings strings) {
        putInt(out, FDT_BEGIN_NODE);
        byte[] name = node.name.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(name);
        out.write(0);
        pad(out);
        for (Map.Entry<String, byte[]> p : node.props.entrySet()) {
            putInt(out, FDT_PROP);
            putInt(out, p.getValue().length);
            putInt(out, strings.offsetOf(p.getKey()));
            out.writeBytes(p.getValue());
            pad(out);
        }
        for (Node child : node.children) {
            writeNode(child, out, strings);
        }
        putInt(out, FDT_END_NODE);
    }

    private static void putInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    private Node current() {
        return open.element();
    }

    private static final class Node {
        final String name;
        final Node parent;
        final Map<String, byte[]> props = new LinkedHashMap<>();
        final List<Node> children = new ArrayList<>();

        Node(String name, Node parent) {
            this.name = name;
            this.parent = parent;
        }

        String path() {
            if (parent == null) {
                return "/";
            }
            String p = parent.path();
            return (p.equals("/") ? "" : p) + "/" + name;
        }
    }
}

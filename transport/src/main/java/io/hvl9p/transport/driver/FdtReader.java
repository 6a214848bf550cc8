package io.hvl9p.transport.driver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of a flattened device tree reader (devicetree spec v0.4, chapter 5) to find the
 * register headers of a {@code dtb}-layout pool: the {@code reg} address of every {@code virtio@...}
 * child of the root, read with the root's {@code #address-cells} (default 2). The blob comes from
 * shared memory, so every offset and length is checked; anything malformed is a {@link
 * DeviceException}.
 */
final class FdtReader {
    static final int MAGIC = 0xd00dfeed;
    static final int HEADER_SIZE = 40;
    private static final int BEGIN_NODE = 1;
    private static final int END_NODE = 2;
    private static final int PROP = 3;
    private static final int NOP = 4;
    private static final int END = 9;

    private FdtReader() {}

    /** The {@code totalsize} field of an FDT header, after checking the magic. */
    static int totalSize(byte[] header) throws DeviceException {
        if (header.length < HEADER_SIZE) {
            throw new DeviceException("malformed FDT: " + header.length + " bytes (expected: >= " + HEADER_SIZE + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw new DeviceException(
                    String.format("no FDT at offset 0: magic 0x%08x (expected: 0x%08x)", b.getInt(0), MAGIC));
        }
        return b.getInt(4);
    }

    /** The header physical addresses of the {@code virtio@} nodes, in blob order. */
    static List<Long> virtioHeaders(byte[] blob) throws DeviceException {
        int total = totalSize(blob);
        if (total < HEADER_SIZE || total > blob.length) {
            throw new DeviceException("malformed FDT: totalsize " + Integer.toUnsignedString(total) + " (expected: "
                    + HEADER_SIZE + ".." + blob.length + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(blob, 0, total).slice().order(ByteOrder.BIG_ENDIAN);
        int structOff = b.getInt(8);
        int stringsOff = b.getInt(12);
        int stringsSize = b.getInt(32);
        int structSize = b.getInt(36);
        checkRange("structure block", structOff, structSize, total);
        checkRange("strings block", stringsOff, stringsSize, total);
        ByteBuffer s = b.slice(structOff, structSize).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer strings = b.slice(stringsOff, stringsSize);

        List<Long> out = new ArrayList<>();
        int depth = 0;
        int addressCells = 2;
        String node = null;
        Long reg = null;
        boolean ended = false;
        while (!ended) {
            int token = next(s);
            switch (token) {
                case BEGIN_NODE -> {
                    String name = cString(s, "node name");
                    align4(s);
                    depth++;
                    if (depth == 2) {
                        node = name;
                        reg = null;
                    }
                }
                case END_NODE -> {
                    if (depth == 0) {
                        throw new DeviceException("malformed FDT: END_NODE without BEGIN_NODE");
                    }
                    if (depth == 2 && node != null && node.startsWith("virtio@")) {
                        if (reg == null) {
                            throw new DeviceException("malformed FDT: node " + node + " has no reg");
                        }
                        out.add(reg);
                    }
                    depth--;
                }
                case PROP -> {
                    int len = next(s);
                    int nameOff = next(s);
                    if (len < 0 || len > s.remaining()) {
                        throw new DeviceException("malformed FDT: property of " + Integer.toUnsignedString(len)
                                + " bytes, " + s.remaining() + " left");
                    }
                    String name = stringAt(strings, nameOff);
                    ByteBuffer value = s.slice(s.position(), len).order(ByteOrder.BIG_ENDIAN);
                    s.position(s.position() + len);
                    align4(s);
                    if (depth == 1 && name.equals("#address-cells")) {
                        addressCells = cell(value, name);
                        if (addressCells != 1 && addressCells != 2) {
                            throw new DeviceException("FDT #address-cells " + addressCells + " (expected: 1 or 2)");
                        }
                    } else if (depth == 2 && name.equals("reg")) {
                        if (len < 4 * addressCells) {
                            throw new DeviceException("malformed FDT: reg of " + node + " has " + len + " bytes");
                        }
                        reg = addressCells == 2 ? value.getLong(0) : Integer.toUnsignedLong(value.getInt(0));
                    }
                }
                case NOP -> {}
                case END -> ended = true;
                default -> throw new DeviceException(String.format("malformed FDT: token 0x%x", token));
            }
        }
        if (depth != 0) {
            throw new DeviceException("malformed FDT: " + depth + " nodes not closed at END");
        }
        return out;
    }

    private static void checkRange(String what, int off, int size, int total) throws DeviceException {
        if (off < HEADER_SIZE || size < 0 || off > total - size) {
            throw new DeviceException("malformed FDT: " + what + " at " + Integer.toUnsignedString(off) + " + "
                    + Integer.toUnsignedString(size) + " outside " + total + " bytes");
        }
    }

    private static int next(ByteBuffer s) throws DeviceException {
        if (s.remaining() < 4) {
            throw new DeviceException("malformed FDT: structure block ends without END");
        }
        return s.getInt();
    }

    private static void align4(ByteBuffer s) throws DeviceException {
        int p = (s.position() + 3) & ~3;
        if (p > s.limit()) {
            throw new DeviceException("malformed FDT: structure block truncated");
        }
        s.position(p);
    }

    private static int cell(ByteBuffer value, String name) throws DeviceException {
        if (value.remaining() != 4) {
            throw new DeviceException("malformed FDT: " + name + " of " + value.remaining() + " bytes");
        }
        return value.getInt(0);
    }

    private static String cString(ByteBuffer s, String what) throws DeviceException {
        int start = s.position();
        for (int i = start; i < s.limit(); i++) {
            if (s.get(i) == 0) {
                byte[] b = new byte[i - start];
                s.get(start, b);
                s.position(i + 1);
                return new String(b, StandardCharsets.US_ASCII);
            }
        }
        throw new DeviceException("malformed FDT: unterminated " + what);
    }

    private static String stringAt(ByteBuffer strings, int off) throws DeviceException {
        if (off < 0 || off >= strings.limit()) {
            throw new DeviceException("malformed FDT: property name offset " + Integer.toUnsignedString(off));
        }
        ByteBuffer d = strings.duplicate();
        d.position(off);
        return cString(d, "property name");
    }
}

package io.hvl9p.transport.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The strings block: each property name once, NUL-terminated, looked up by offset (spec 5.5). */
final class FdtStrings {
    private final Map<String, Integer> offsets = new HashMap<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int offsetOf(String name) {
        return offsets.computeIfAbsent(name, n -> {
            int off = bytes.size();
            bytes.writeBytes(n.getBytes(StandardCharsets.US_ASCII));
            bytes.write(0);
            return off;
        });
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }
}

package io.hvl9p.transport.fdt;

import java.util.Objects;

/** Name rules of Devicetree Specification v0.4 sections 2.2.1 (nodes) and 2.2.4 (properties). */
final class FdtNames {
    private static final String NODE_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,._+-";
    private static final String PROP_CHARS = NODE_CHARS + "?#";

    private FdtNames() {}

    /** {@code node-name[@unit-address]}: node-name 1-31 characters starting with a letter. */
    static void checkNodeName(String name) {
        Objects.requireNonNull(name, "node name");
        int at = name.indexOf('@');
        String base = at < 0 ? name : name.substring(0, at);
        if (base.isEmpty()) {
            throw new IllegalArgumentException("node name \"" + name + "\": empty node-name before the unit address");
        }
        if (base.length() > FdtWriter.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("node name \"" + name + "\": node-name has " + base.length()
                    + " characters (expected: <= " + FdtWriter.MAX_NAME_LENGTH + ")");
        }
        char first = base.charAt(0);
        if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
            throw new IllegalArgumentException("node name \"" + name + "\": must start with a letter");
        }
        checkChars("node name", name, base, NODE_CHARS);
        if (at >= 0) {
            String unit = name.substring(at + 1);
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("node name \"" + name + "\": empty unit address after '@'");
            }
            checkChars("node name", name, unit, NODE_CHARS);
        }
    }

    /** 1-31 characters from {@code [0-9a-zA-Z,._+?#-]}. */
    static void checkPropertyName(String name) {
        Objects.requireNonNull(name, "property name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty property name");
        }
        if (name.length() > FdtWriter.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("property name \"" + name + "\" has " + name.length()
                    + " characters (expected: <= " + FdtWriter.MAX_NAME_LENGTH + ")");
        }
        checkChars("property name", name, name, PROP_CHARS);
    }

    private static void checkChars(String what, String whole, String part, String allowed) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (allowed.indexOf(c) < 0) {
                throw new IllegalArgumentException(what + " \"" + whole.replace("\0", "\\0") + "\": character '"
                        + (c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c))
                        + "' is not allowed (expected: " + allowed + ")");
            }
        }
    }
}

package io.hvl9p.console;

/** A fixed-capacity byte FIFO (a ring); not thread-safe, the device guards it. */
final class InputBuffer {
    private final byte[] buf;
    private int head;
    private int size;

    InputBuffer(int capacity) {
        this.buf = new byte[capacity];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Appends as much of {@code src[off, off + len)} as fits; returns how much. */
    int put(byte[] src, int off, int len) {
        int n = Math.min(len, buf.length - size);
        int tail = (head + size) % buf.length;
        int first = Math.min(n, buf.length - tail);
        System.arraycopy(src, off, buf, tail, first);
        System.arraycopy(src, off + first, buf, 0, n - first);
        size += n;
        return n;
    }

    /** Removes and returns the first {@code n} bytes ({@code n <= size}). */
    byte[] take(int n) {
        byte[] out = new byte[n];
        int first = Math.min(n, buf.length - head);
        System.arraycopy(buf, head, out, 0, first);
        System.arraycopy(buf, 0, out, first, n - first);
        head = (head + n) % buf.length;
        size -= n;
        return out;
    }

    void clear() {
        head = 0;
        size = 0;
    }
}

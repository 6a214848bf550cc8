package io.hvl9p.daemon.runtime;

import io.hvl9p.transport.driver.Buffer;
import io.hvl9p.transport.driver.DeviceMemory;
import io.hvl9p.transport.driver.DriverDevice;
import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.driver.Used;
import io.hvl9p.transport.memory.GuestMemory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A runtime's console the way OpenAMP's serial driver uses it (hvl-transport.md 3a.7): queues of
 * 4 entries, one character per transmit descriptor, bounce buffers in the device memory; and
 * receive buffers kept posted for input.
 */
final class SimConsole {
    static final int QUEUE_SIZE = 4;
    private static final int RX_BUFFER = 64;
    private final DriverQueue rx;
    private final DriverQueue tx;
    private final DeviceMemory memory;
    private final GuestMemory mem;
    private final ByteArrayOutputStream pendingInput = new ByteArrayOutputStream();
    private boolean rxPosted;

    SimConsole(GuestMemory mem, DriverDevice device) throws IOException {
        this.mem = mem;
        device.initialize(new int[] {QUEUE_SIZE, QUEUE_SIZE}, 0);
        this.rx = device.queue(0);
        this.tx = device.queue(1);
        this.memory = device.memory();
    }

    /** Sends {@code text}, one byte per chain, and waits until the device took all of it. */
    void print(String text, long timeoutNanos) throws IOException {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            while (tx.freeDescriptors() == 0) {
                reap(timeoutNanos);
            }
            Buffer buf = memory.alloc(1);
            mem.copyIn(buf.pa(), new byte[] {b}, 0, 1);
            tx.submit(List.of(buf.segment()), List.of(), buf);
        }
        while (tx.freeDescriptors() < tx.size()) {
            reap(timeoutNanos);
        }
    }

    private void reap(long timeoutNanos) throws IOException {
        Used u = tx.take(timeoutNanos);
        if (u == null) {
            throw new IOException("console transmit not completed within " + timeoutNanos / 1_000_000 + " ms");
        }
        memory.free((Buffer) u.token());
    }

    /** The next line of input (without its newline), or null if none arrives in time. */
    String readLine(long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        if (!rxPosted) {
            for (int i = 0; i < QUEUE_SIZE; i++) {
                post();
            }
            rxPosted = true;
        }
        while (true) {
            byte[] have = pendingInput.toByteArray();
            for (int i = 0; i < have.length; i++) {
                if (have[i] == '\n') {
                    pendingInput.reset();
                    pendingInput.write(have, i + 1, have.length - i - 1);
                    return new String(have, 0, i, StandardCharsets.UTF_8);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Used u = rx.take(left);
            if (u == null) {
                return null;
            }
            Buffer buf = (Buffer) u.token();
            byte[] data = new byte[u.len()];
            mem.copyOut(buf.pa(), data, 0, u.len());
            pendingInput.write(data, 0, data.length);
            memory.free(buf);
            post();
        }
    }

    private void post() throws IOException {
        Buffer buf = memory.alloc(RX_BUFFER);
        rx.submit(List.of(), List.of(buf.segment()), buf);
    }
}

package io.hvl9p.virtio9p;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.transport.driver.Buffer;
import io.hvl9p.transport.driver.DeviceMemory;
import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.driver.Segment;
import io.hvl9p.transport.driver.Used;
import io.hvl9p.transport.memory.GuestMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Chains built by hand in device memory and submitted with {@link DriverQueue#submit}: the
 * request split into readable descriptors of chosen sizes, writable descriptors of chosen sizes,
 * and the reply gathered back from them in order.
 */
final class RawChains {
    private final DriverQueue queue;
    private final DeviceMemory memory;
    private final GuestMemory mem;

    /** One submitted chain (it is its own token). */
    static final class Chain {
        final List<Buffer> readable = new ArrayList<>();
        final List<Buffer> writable = new ArrayList<>();
        int head;
        int len = -1;
        byte[] reply;

        /** The reply decoded (the chain must have come back with a reply). */
        Frame<RMessage> decoded() {
            assertThat(len).as("used length").isPositive();
            return MessageDecoder.decodeReply(ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN), 1 << 24);
        }
    }

    RawChains(ShmRig rig) {
        this(rig.queue(), rig.driver().memory(), rig.driverMemory());
    }

    RawChains(DriverQueue queue, DeviceMemory memory, GuestMemory mem) {
        this.queue = queue;
        this.memory = memory;
        this.mem = mem;
    }

    static byte[] encode(int tag, TMessage m) {
        ByteBuffer b = MessageEncoder.encodeGather(tag, m).toBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** One readable descriptor for all of {@code request}, one writable of {@code replyBytes}. */
    Chain submit(byte[] request, int replyBytes) throws IOException {
        return submit(request, new int[] {request.length}, replyBytes > 0 ? new int[] {replyBytes} : new int[0]);
    }

    /**
     * Submits {@code request} cut into readable descriptors of {@code readableSizes} (which must
     * add up to its length) and writable descriptors of {@code writableSizes}.
     */
    Chain submit(byte[] request, int[] readableSizes, int[] writableSizes) throws IOException {
        Chain c = new Chain();
        List<Segment> r = new ArrayList<>();
        List<Segment> w = new ArrayList<>();
        int off = 0;
        for (int n : readableSizes) {
            Buffer b = memory.alloc(n);
            mem.copyIn(b.pa(), request, off, n);
            off += n;
            c.readable.add(b);
            r.add(b.segment());
        }
        assertThat(off).as("readable sizes add up to the request").isEqualTo(request.length);
        for (int n : writableSizes) {
            Buffer b = memory.allocZeroed(n, DeviceMemory.DEFAULT_ALIGN);
            c.writable.add(b);
            w.add(b.segment());
        }
        c.head = queue.submit(r, w, c);
        return c;
    }

    /** The next chain to come back, with its reply gathered; its buffers freed. */
    Chain next() throws IOException {
        Used u = queue.take(ShmRig.TIMEOUT.toNanos());
        assertThat(u).as("a chain came back within %s", ShmRig.TIMEOUT).isNotNull();
        Chain c = (Chain) u.token();
        c.len = u.len();
        c.reply = new byte[u.len()];
        int off = 0;
        for (Buffer b : c.writable) {
            int n = Math.min(b.len(), c.len - off);
            if (n <= 0) {
                break;
            }
            mem.copyOut(b.pa(), c.reply, off, n);
            off += n;
        }
        c.readable.forEach(memory::free);
        c.writable.forEach(memory::free);
        return c;
    }

    /** Submits one chain and waits for it. */
    Chain call(byte[] request, int[] readableSizes, int[] writableSizes) throws IOException {
        Chain c = submit(request, readableSizes, writableSizes);
        Chain back = next();
        assertThat(back).as("the chain that came back").isSameAs(c);
        return back;
    }

    /** {@code n} sizes of one byte. */
    static int[] ones(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}

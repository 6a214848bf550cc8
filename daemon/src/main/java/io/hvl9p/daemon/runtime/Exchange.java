package io.hvl9p.daemon.runtime;

import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.Message;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.transport.driver.Buffer;
import io.hvl9p.transport.driver.DeviceMemory;
import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.driver.Used;
import io.hvl9p.transport.memory.GuestMemory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * One synchronous 9P round trip at a time over one transport, with no client-side machinery
 * (no tag table, no threads), so that a benchmark compares transports and not client code: the
 * same pre-encoded frame over shared memory and over TCP.
 */
interface Exchange extends AutoCloseable {
    /** Sends {@code frame} and returns the reply; only the first {@code keep} bytes are copied out. */
    ByteBuffer exchange(ByteBuffer frame, int keep) throws IOException;

    @Override
    void close() throws IOException;

    /** Sends a message and decodes the whole reply, failing on Rlerror (set-up, not measured). */
    default RMessage call(Message m, int msize) throws IOException {
        ByteBuffer reply = exchange(MessageEncoder.encode(1, m), msize);
        Frame<RMessage> f = MessageDecoder.decodeReply(reply, msize);
        if (f.message() instanceof RMessage.Rlerror e) {
            throw new IOException(m.getClass().getSimpleName() + ": errno " + e.ecode());
        }
        return f.message();
    }

    /** A virtio-9p queue: one T- and one R-buffer in device memory, reused for every request. */
    final class Shm implements Exchange {
        private final DriverQueue queue;
        private final GuestMemory mem;
        private final DeviceMemory dm;
        private final Buffer t;
        private final Buffer r;

        Shm(DriverQueue queue, GuestMemory mem, DeviceMemory dm, int msize) throws IOException {
            this.queue = queue;
            this.mem = mem;
            this.dm = dm;
            this.t = dm.alloc(msize);
            this.r = dm.alloc(msize);
        }

        @Override
        public ByteBuffer exchange(ByteBuffer frame, int keep) throws IOException {
            int len = frame.remaining();
            mem.copyIn(t.pa(), frame.duplicate(), len);
            queue.submit(List.of(new io.hvl9p.transport.driver.Segment(t.pa(), len)), List.of(r.segment()), null);
            Used u = queue.take(-1);
            int n = Math.min(u.len(), keep);
            byte[] out = new byte[n];
            mem.copyOut(r.pa(), out, 0, n);
            return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public void close() {
            dm.free(t);
            dm.free(r);
        }
    }

    /** A TCP connection, blocking, TCP_NODELAY. */
    final class Tcp implements Exchange {
        private final SocketChannel ch;
        private final ByteBuffer in;
        private final ByteBuffer size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);

        Tcp(InetSocketAddress addr, int msize) throws IOException {
            this.ch = SocketChannel.open(addr);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            this.in = ByteBuffer.allocateDirect(msize).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public ByteBuffer exchange(ByteBuffer frame, int keep) throws IOException {
            ByteBuffer f = frame.duplicate();
            while (f.hasRemaining()) {
                ch.write(f);
            }
            size.clear();
            while (size.hasRemaining()) {
                if (ch.read(size) < 0) {
                    throw new IOException("connection closed");
                }
            }
            int total = size.getInt(0);
            in.clear().limit(total);
            in.putInt(total);
            while (in.hasRemaining()) {
                if (ch.read(in) < 0) {
                    throw new IOException("connection closed");
                }
            }
            int n = Math.min(total, keep);
            byte[] out = new byte[n];
            in.flip();
            in.get(out, 0, n);
            return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}

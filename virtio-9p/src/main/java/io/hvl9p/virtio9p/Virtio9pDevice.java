package io.hvl9p.virtio9p;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.server.Connection;
import io.hvl9p.server.FrameSink;
import io.hvl9p.server.Server;
import io.hvl9p.transport.mmio.DeviceContext;
import io.hvl9p.transport.mmio.VirtQueue;
import io.hvl9p.transport.mmio.VirtioDevice;
import io.hvl9p.transport.virtq.DescriptorChain;
import io.hvl9p.transport.virtq.SplitQueue;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The virtio-9p device (virtio 1.2 section 5.9; hvl-transport.md section 6): device ID 9, feature
 * {@code VIRTIO_9P_MOUNT_TAG}, config {@code le16 tag_len; tag}, one request queue.
 *
 * <p>Each chain holds one T-message in its device-readable descriptors and room for the R-message
 * in its device-writable ones. The request is copied out of shared memory once (copy, then parse)
 * and handed to a {@link Connection} of the same server code the socket transports use, so
 * requests run in parallel and complete out of order; each reply is encoded privately and
 * scattered over every writable descriptor, and the chain is returned with the reply's length.
 * Every chain comes back: one whose request gets no reply (flushed, cancelled by Tversion, a
 * malformed frame without a tag, a tag already in flight) is returned with length 0.
 *
 * <p>Each driver generation (DRIVER_OK to reset) is one 9P session: a reset or re-initialisation
 * closes it, clunking every fid.
 */
public final class Virtio9pDevice implements VirtioDevice {
    private static final System.Logger LOG = System.getLogger(Virtio9pDevice.class.getName());
    /** VIRTIO_9P_MOUNT_TAG (virtio 1.2 section 5.9.3). */
    public static final int F_MOUNT_TAG = 1;
    /** The longest tag every front-end handles (hvl-transport.md section 6). */
    public static final int MAX_TAG = 32;
    /** Queue size the msize derivation assumes the front-end uses at most. */
    static final int ASSUMED_QUEUE = 8;

    private final String tag;
    private final byte[] config;
    private final Server server;
    private final int maxMsize;
    private final String peer;
    private volatile Generation current;

    /**
     * @param tag the mount tag the runtime's driver mounts by (1 to 32 bytes, no NUL)
     * @param server the server holding the export(s) this device reaches
     * @param peer the name of the session in logs and traces, such as {@code rt1/9p:share}
     * @param maxMsize the largest msize this device offers ({@link #msizeFor} derives it from the device memory)
     */
    public Virtio9pDevice(String tag, Server server, String peer, int maxMsize) {
        byte[] t = tag.getBytes(StandardCharsets.UTF_8);
        if (t.length == 0 || t.length > MAX_TAG || tag.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "mount tag \"" + tag + "\" (expected: 1 to " + MAX_TAG + " bytes, no NUL)");
        }
        if (maxMsize < 4096) {
            throw new IllegalArgumentException("msize " + maxMsize + " for tag " + tag + " (expected: >= 4096)");
        }
        this.tag = tag;
        this.config = ByteBuffer.allocate(2 + t.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) t.length)
                .put(t)
                .array();
        this.server = server;
        this.peer = peer;
        this.maxMsize = Math.min(maxMsize, server.config().maxMsize());
    }

    /**
     * The msize a device memory of {@code memoryBytes} supports: the front-end keeps its ring and at
     * least one T- and one R-buffer of msize in it (OpenAMP's bounce buffers only work that way,
     * 3a.8), rounded down to 4 KiB. The ring must be 4 KiB aligned while the device memory need not
     * be (in the {@code dtb} layout it starts 0x200 into a page), so up to a page is lost before the
     * ring, and the rest of the ring's last page may be too small for a buffer. So a 24 KiB
     * reference block gives 4 KiB.
     *
     * @throws IllegalArgumentException if not even a 4 KiB msize fits
     */
    public static int msizeFor(long memoryBytes) {
        long ring = alignUp(SplitQueue.legacyBytes(ASSUMED_QUEUE, 4096)) + 4096; // + the alignment slack
        long perBuffer = (memoryBytes - ring) / 2 / 4096 * 4096;
        if (perBuffer < 4096) {
            throw new IllegalArgumentException("device memory of " + memoryBytes + " bytes leaves no room for a 4 KiB"
                    + " msize (expected: at least " + (ring + 2 * 4096) + " bytes for the ring and two buffers)");
        }
        return (int) Math.min(perBuffer, Integer.MAX_VALUE - 4096);
    }

    private static long alignUp(long v) {
        return (v + 4095) & -4096L;
    }

    public String tag() {
        return tag;
    }

    /** The msize this device offers at most. */
    public int maxMsize() {
        return maxMsize;
    }

    @Override
    public int deviceId() {
        return 9;
    }

    @Override
    public int hostFeatures() {
        return F_MOUNT_TAG;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    @Override
    public String name() {
        return "9p:" + tag;
    }

    @Override
    public void start(DeviceContext ctx) {
        Generation g = new Generation(ctx);
        g.connection = server.connect(peer + "#" + ctx.generation(), g, maxMsize);
        // The idle fast path of the socket transports: a metadata request with nothing else in
        // flight runs on the pool's controller thread; if it takes longer than
        // Connection.INLINE_STALL the server's watchdog hands the controller role to a new thread.
        g.connection.readerRescue(ctx::rescue);
        current = g;
    }

    @Override
    public void available(DeviceContext ctx, int queue) {
        Generation g = current;
        if (g == null || g.ctx != ctx) {
            return;
        }
        VirtQueue q = ctx.queue(0);
        while (true) {
            var next = q.pop();
            if (next.isEmpty()) {
                return;
            }
            g.request(next.get());
        }
    }

    @Override
    public void stop(DeviceContext ctx) {
        Generation g = current;
        if (g != null && g.ctx == ctx) {
            current = null;
            g.close();
        }
    }

    @Override
    public void close() {
        Generation g = current;
        current = null;
        if (g != null) {
            g.close();
        }
    }

    /** Requests in flight of this device, for tests and status. */
    public int inFlight() {
        Generation g = current;
        return g == null ? 0 : g.byTag.size();
    }

    /** One driver generation: one 9P session and the chains waiting for their replies, by tag. */
    private final class Generation implements FrameSink {
        final DeviceContext ctx;
        final VirtQueue queue;
        final Map<Integer, DescriptorChain> byTag = new ConcurrentHashMap<>();
        volatile Connection connection;

        Generation(DeviceContext ctx) {
            this.ctx = ctx;
            this.queue = ctx.queue(0);
        }

        void request(DescriptorChain chain) {
            Connection c = connection;
            int max = c.maxFrameSize();
            if (chain.readableLength() < 7 || chain.readableLength() > max + 65536L) {
                LOG.log(
                        Level.DEBUG,
                        "{0}: chain {1} with {2} readable bytes dropped",
                        ctx.name(),
                        chain.head(),
                        chain.readableLength());
                queue.complete(chain, 0);
                return;
            }
            // Copy, then parse (4.5): one copy out of shared memory before anything is decoded.
            byte[] frame = chain.readAll(ctx.memory(), (int) chain.readableLength());
            ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
            long size = Integer.toUnsignedLong(b.getInt(0));
            if (size >= 7 && size < frame.length) {
                b.limit((int) size); // a driver may give a larger buffer than the message
            }
            int tag = Short.toUnsignedInt(b.getShort(5));
            if (byTag.putIfAbsent(tag, chain) != null) {
                LOG.log(
                        Level.WARNING,
                        "{0}: tag {1} reused while in flight; chain {2} returned empty",
                        ctx.name(),
                        tag,
                        chain.head());
                queue.complete(chain, 0);
                return;
            }
            if (!c.receive(b)) {
                throw ctx.handedOver(); // this thread ran a stuck request inline and lost the controller role
            }
        }

        @Override
        public void send(EncodedFrame frame) {
            int tag = Short.toUnsignedInt(frame.head().getShort(frame.head().position() + 5));
            DescriptorChain chain = byTag.remove(tag);
            if (chain == null) {
                LOG.log(Level.DEBUG, "{0}: reply for tag {1} with no chain waiting", ctx.name(), tag);
                return;
            }
            if (frame.size() > chain.writableLength()) {
                // The driver gave less room than the reply needs: an error fits where data did not.
                EncodedFrame err = MessageEncoder.encodeGather(tag, new RMessage.Rlerror(Errno.EMSGSIZE));
                if (err.size() > chain.writableLength()) {
                    queue.complete(chain, 0);
                    return;
                }
                frame = err;
            }
            queue.complete(chain, frame.head().duplicate(), frame.payload().duplicate());
        }

        @Override
        public void dropped(int tag) {
            DescriptorChain chain = byTag.remove(tag);
            if (chain != null) {
                queue.complete(chain, 0);
            }
        }

        void close() {
            Connection c = connection;
            byTag.clear();
            if (c != null) {
                // Connection.close waits for running requests: never on the pool's thread.
                Thread.ofVirtual().name("hvl9p-close-" + ctx.name()).start(c::close);
            }
        }
    }
}

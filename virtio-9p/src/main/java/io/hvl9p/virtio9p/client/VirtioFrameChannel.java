package io.hvl9p.virtio9p.client;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.client.FrameChannel;
import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.driver.OutOfDeviceMemoryException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime's side of a virtio-9p device as a {@link FrameChannel}, so that the project's 9P
 * client can drive it as a 9p front-end would: every T-message becomes one chain whose T- and
 * R-buffers are allocated in the device memory ({@link DriverQueue#call}), and replies arrive in
 * completion order. For tests, the demo's runtime simulator and the benchmarks.
 */
public final class VirtioFrameChannel implements FrameChannel {
    private static final Object EOF = new Object();
    private final DriverQueue queue;
    private final long timeoutNanos;
    private final LinkedBlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile int maxFrame;
    private volatile boolean closed;

    /**
     * @param queue the 9p device's request queue, set up by {@code DriverDevice.initialize}
     * @param maxFrame the reply buffer size until {@link #maxFrameSize} is called (the msize asked for)
     * @param timeoutNanos how long one request may take before the channel reports an error
     */
    public VirtioFrameChannel(DriverQueue queue, int maxFrame, long timeoutNanos) {
        this.queue = queue;
        this.maxFrame = maxFrame;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void send(EncodedFrame frame) throws IOException {
        if (closed) {
            throw new IOException("channel closed");
        }
        byte[] request = new byte[frame.size()];
        frame.copyTo(ByteBuffer.wrap(request));
        int capacity = maxFrame;
        outstanding.incrementAndGet();
        Thread.ofVirtual().name("hvl9p-virtio-call").start(() -> {
            try {
                byte[] reply = callWhenRoom(request, capacity);
                if (reply.length > 0) {
                    replies.add(ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN));
                }
                // length 0: the device returned the chain without a reply (flushed); nothing to deliver
            } catch (IOException | RuntimeException e) {
                replies.add(e);
            } finally {
                outstanding.decrementAndGet();
            }
        });
    }

    /**
     * One call; while the device memory has no room for its buffers (other requests hold it), it
     * waits for them to complete instead of failing the session, up to the timeout.
     */
    private byte[] callWhenRoom(byte[] request, int capacity) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            try {
                return queue.call(request, capacity, timeoutNanos);
            } catch (OutOfDeviceMemoryException e) {
                if (outstanding.get() <= 1 || System.nanoTime() - deadline > 0 || closed) {
                    throw e; // nothing else holds memory that could come back: it will never fit
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
        }
    }

    @Override
    public ByteBuffer receive() throws IOException {
        Object o;
        try {
            o = replies.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        if (o == EOF) {
            replies.add(EOF);
            return null;
        }
        if (o instanceof IOException e) {
            throw new IOException("virtio-9p request failed: " + e.getMessage(), e);
        }
        if (o instanceof RuntimeException e) {
            throw new IOException("virtio-9p request failed: " + e, e);
        }
        return (ByteBuffer) o;
    }

    @Override
    public void maxFrameSize(int max) {
        maxFrame = max;
    }

    /** Requests sent whose chains have not come back yet. */
    public int outstanding() {
        return outstanding.get();
    }

    @Override
    public void close() {
        closed = true;
        replies.add(EOF);
    }
}

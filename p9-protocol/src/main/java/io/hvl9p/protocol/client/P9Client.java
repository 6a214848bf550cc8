package io.hvl9p.protocol.client;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.MalformedMessageException;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.RMessage.Rlerror;
import io.hvl9p.protocol.RMessage.Rversion;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.TMessage.Tflush;
import io.hvl9p.protocol.TMessage.Tversion;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A 9P2000.L client. Many requests may be outstanding at once, from any threads; each gets a free
 * tag, and its reply completes its future on the reader thread.
 *
 * <p>{@link #call} waits with the client's timeout; on timeout it sends Tflush for the request,
 * as the Linux client does on a signal, and the tag is reused only after Rflush.
 */
public final class P9Client implements Closeable {
    private final FrameChannel channel;
    private final Duration timeout;
    private final ConcurrentHashMap<Integer, CompletableFuture<RMessage>> pending = new ConcurrentHashMap<>();
    private final BitSet usedTags = new BitSet(MiscConstants.NOTAG);
    private final AtomicInteger nextFid = new AtomicInteger(1);
    private final Thread reader;
    private volatile int msize;
    private volatile P9String version;
    private volatile Throwable failure;

    private P9Client(FrameChannel channel, Duration timeout) {
        this.channel = channel;
        this.timeout = timeout;
        this.reader = Thread.ofPlatform().daemon().name("p9client-reader").unstarted(this::readLoop);
    }

    /** Connects: negotiates {@code 9P2000.L} with the given msize, failing if the server refuses. */
    public static P9Client connect(FrameChannel channel, int msize, Duration timeout) throws IOException {
        return connect(channel, msize, MiscConstants.VERSION_9P2000_L, timeout);
    }

    /** Connects with a chosen version string; fails unless the server answers 9P2000.L. */
    public static P9Client connect(FrameChannel channel, int msize, String version, Duration timeout)
            throws IOException {
        P9Client c = new P9Client(channel, timeout);
        c.msize = msize;
        c.reader.start();
        try {
            RMessage r = c.rawCall(MiscConstants.NOTAG, new Tversion(msize, P9String.of(version)));
            if (!(r instanceof Rversion rv)) {
                throw new IOException("Tversion answered with " + r);
            }
            if (!rv.version().asString().equals(MiscConstants.VERSION_9P2000_L)) {
                throw new IOException("server speaks " + rv.version() + ", not 9P2000.L");
            }
            if (Integer.compareUnsigned(rv.msize(), msize) > 0 || rv.msize() < MiscConstants.MIN_MSIZE) {
                throw new IOException("server chose msize " + rv.msize() + " (asked for " + msize + ")");
            }
            c.msize = rv.msize();
            c.version = rv.version();
            channel.maxFrameSize(rv.msize());
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The negotiated msize. */
    public int msize() {
        return msize;
    }

    /** The negotiated version. */
    public P9String version() {
        return version;
    }

    /** A fid not used before by this client. */
    public Fid newFid() {
        return Fid.of(nextFid.getAndIncrement());
    }

    /** Sends a request; the future completes with the reply (which may be Rlerror). */
    public CompletableFuture<Frame<RMessage>> send(TMessage request) throws IOException {
        int tag = allocateTag();
        return sendWithTag(tag, request).thenApply(r -> new Frame<>(tag, r));
    }

    private CompletableFuture<RMessage> sendWithTag(int tag, TMessage request) throws IOException {
        CompletableFuture<RMessage> f = new CompletableFuture<>();
        pending.put(tag, f);
        f.whenComplete((r, e) -> releaseTag(tag));
        Throwable dead = failure;
        if (dead != null) {
            pending.remove(tag);
            f.completeExceptionally(new IOException("connection failed", dead));
            return f;
        }
        try {
            channel.send(MessageEncoder.encodeGather(tag, request));
        } catch (IOException e) {
            pending.remove(tag);
            f.completeExceptionally(e);
            throw e;
        }
        return f;
    }

    /**
     * Sends a request and waits for its reply; an Rlerror becomes a {@link P9ErrorException}, a
     * reply of another type than {@code expected} an {@link IOException}.
     */
    public <R extends RMessage> R call(TMessage request, Class<R> expected) throws IOException {
        int tag = allocateTag();
        RMessage r = rawCall(tag, request);
        if (r instanceof Rlerror e) {
            throw new P9ErrorException(request.type().wireName(), e.ecode());
        }
        if (!expected.isInstance(r)) {
            throw new IOException(request.type().wireName() + " answered with " + r);
        }
        return expected.cast(r);
    }

    private RMessage rawCall(int tag, TMessage request) throws IOException {
        CompletableFuture<RMessage> f = sendWithTag(tag, request);
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            flush(tag);
            throw new IOException(request.type().wireName() + " timed out after " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            flush(tag);
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * Sends Tflush for {@code oldtag} and waits for Rflush. If the request's reply comes first it
     * completes the request; otherwise the request's future is cancelled.
     */
    public void flush(int oldtag) throws IOException {
        int tag = allocateTag();
        CompletableFuture<RMessage> f = sendWithTag(tag, new Tflush(oldtag));
        try {
            f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("Tflush failed", e);
        }
        CompletableFuture<RMessage> old = pending.remove(oldtag);
        if (old != null) {
            old.cancel(false);
        }
    }

    private int allocateTag() throws IOException {
        synchronized (usedTags) {
            int t = usedTags.nextClearBit(0);
            if (t >= MiscConstants.NOTAG) {
                throw new IOException("all 65535 tags in use");
            }
            usedTags.set(t);
            return t;
        }
    }

    private void releaseTag(int tag) {
        if (tag != MiscConstants.NOTAG) {
            synchronized (usedTags) {
                usedTags.clear(tag);
            }
        }
    }

    private void readLoop() {
        try {
            ByteBuffer frame;
            while ((frame = channel.receive()) != null) {
                Frame<RMessage> r = MessageDecoder.decodeReply(frame, Math.max(msize, 1 << 20));
                CompletableFuture<RMessage> f = pending.remove(r.tag());
                if (f != null) {
                    f.complete(r.message());
                }
            }
            fail(new IOException("server closed the connection"));
        } catch (IOException | MalformedMessageException e) {
            fail(e);
        }
    }

    private void fail(Throwable t) {
        failure = t;
        for (Integer tag : pending.keySet()) {
            CompletableFuture<RMessage> f = pending.remove(tag);
            if (f != null) {
                f.completeExceptionally(new IOException("connection lost", t));
            }
        }
    }

    @Override
    public void close() throws IOException {
        fail(new IOException("client closed"));
        channel.close();
    }
}

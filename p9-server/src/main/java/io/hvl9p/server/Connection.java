package io.hvl9p.server;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.MalformedMessageException;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.session.Session;
import io.hvl9p.server.trace.TraceFormat;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One 9P session on one transport connection. The transport calls {@link #receive} with each whole
 * frame, in arrival order, from one thread; requests then run in parallel on the server's workers
 * and replies go to the {@link FrameSink} in completion order.
 *
 * <p>Tflush follows the protocol exactly: a request not yet started is cancelled and gets no
 * reply; a running one finishes and its reply is sent before the Rflush. Tversion cancels what
 * is queued, waits for what runs (suppressing those replies) and then resets the session.
 */
public final class Connection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    private final Server server;
    private final Session session;
    private final String peer;
    private final FrameSink sink;
    private final ExecutorService workers;
    private final Consumer<String> trace;
    private final Semaphore window;
    private final boolean inlineWhenIdle;
    private volatile Runnable readerRescue;
    private final AtomicLong readerState = new AtomicLong();
    private volatile long inlineSince;
    private final int windowSize;

    private final ConcurrentHashMap<Integer, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Object replyOrder = new Object();
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** {@code closed} is set, and requests enter {@code inFlight}, under this lock. */
    private final Object closeLock = new Object();

    Connection(Server server, Session session, String peer, FrameSink sink, ExecutorService workers) {
        this.server = server;
        this.session = session;
        this.peer = peer;
        this.sink = sink;
        this.workers = workers;
        this.trace = server.config().trace();
        this.windowSize = server.config().maxInFlight();
        this.window = new Semaphore(windowSize);
        this.inlineWhenIdle = server.config().inlineWhenIdle();
    }

    /** The largest frame the transport should accept now: the negotiated msize (the server's maximum before Tversion). */
    public int maxFrameSize() {
        return session.msize();
    }

    /** The fids this session holds (for leak checks). */
    public int fidCount() {
        return session.fidCount();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Takes one whole frame. Blocks while the connection has its maximum of requests outstanding
     * (back-pressure on a client that floods). Never throws for bad input: a malformed frame gets
     * an Rlerror with its tag.
     */
    public boolean receive(ByteBuffer frame) {
        if (closed) {
            return true;
        }
        Frame<TMessage> f;
        try {
            f = MessageDecoder.decodeRequest(frame, session.msize());
        } catch (MalformedMessageException e) {
            if (trace != null) {
                trace.accept(peer + " > malformed: " + e.getMessage());
            }
            if (e.hasTag()) {
                send(e.tag(), new RMessage.Rlerror(e.errno()));
            }
            return true;
        }
        if (trace != null) {
            trace.accept(peer + " > " + TraceFormat.format(f.tag(), f.message()));
        }
        int cost = cost(frame.limit());
        switch (f.message()) {
            case TMessage.Tversion v -> version(f.tag(), v);
            case TMessage.Tflush fl -> flush(f.tag(), fl.oldtag());
            default -> {
                if (inlineWhenIdle
                        && readerRescue != null
                        && inFlight.isEmpty()
                        && Inline.allowed(f.message())
                        && !Thread.currentThread().isVirtual()) {
                    return runInline(f, cost);
                }
                submit(f, cost);
            }
        }
        return true;
    }

    /**
     * Lets metadata requests on an idle connection run inline on the reader thread. With nothing
     * else outstanding there is no parallelism to gain, and the hand-off to a worker and back
     * costs more than a getattr. So that one slow request (a stuck file system) still never stalls
     * the session, a request that runs inline for longer than {@link #INLINE_STALL} loses the
     * reader role: the server's watchdog calls {@code rescue}, which must start a new reader that
     * carries on with the stream (the frames already split off included) while the old thread
     * finishes the request and then stops reading ({@link #receive} returns false to it).
     *
     * <p>Without a rescue (a transport that cannot hand its reading over) nothing runs inline.
     */
    public void readerRescue(Runnable rescue) {
        this.readerRescue = rescue;
    }

    /** How long a request may run inline before another thread takes over reading. */
    public static final Duration INLINE_STALL = Duration.ofMillis(2);

    private static final long INLINE_STALL_NANOS = INLINE_STALL.toNanos();

    /** Called by the server's watchdog: hands the reader role over if an inline request is stuck. */
    void checkStall(long now) {
        long s = readerState.get();
        if ((s & 1) != 0 && now - inlineSince > INLINE_STALL_NANOS && readerState.compareAndSet(s, s + 1)) {
            LOG.log(Level.DEBUG, "{0}: inline request slow; another thread reads on", peer);
            readerRescue.run();
        }
    }

    private boolean runInline(Frame<TMessage> f, int cost) {
        InFlight job = register(f, cost);
        if (job == null) {
            return true;
        }
        // readerState: generation << 1 | (1 while a request runs inline). The watchdog's hand-off
        // and this thread's return race on one CAS; the loser knows where it stands.
        long gen = readerState.get() & ~1L;
        inlineSince = System.nanoTime();
        readerState.set(gen | 1);
        job.run();
        return readerState.compareAndSet(gen | 1, gen);
    }

    private void submit(Frame<TMessage> f, int cost) {
        InFlight job = register(f, cost);
        if (job == null) {
            return;
        }
        try {
            workers.execute(job);
        } catch (RejectedExecutionException e) {
            inFlight.remove(f.tag(), job);
            window.release(job.cost);
            send(f.tag(), new RMessage.Rlerror(Errno.EIO));
        }
    }

    /**
     * What a request costs in window permits: one, plus one per started 64 KiB of frame, so that
     * the window bounds the bytes a connection holds (a flood of 1 MiB Twrites is held to 16 at a
     * time) as well as the number of requests.
     */
    private int cost(int frameBytes) {
        return Math.min(windowSize, 1 + frameBytes / 65536);
    }

    /** Takes window permits and enters the request in the in-flight table; null if it must not run. */
    private InFlight register(Frame<TMessage> f, int cost) {
        try {
            window.acquire(cost);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        InFlight job = new InFlight(f, cost);
        InFlight previous;
        synchronized (closeLock) {
            if (closed) {
                // close() ran while this frame was on its way in: the session is (being) reset
                // and nothing may run against it any more.
                window.release(cost);
                sink.dropped(f.tag());
                return null;
            }
            previous = inFlight.putIfAbsent(f.tag(), job);
        }
        if (previous != null) {
            window.release(cost);
            // A tag still in use: the client broke the protocol; answering with that tag would
            // be ambiguous, so the request is dropped and logged.
            LOG.log(Level.WARNING, "{0}: tag {1} reused while in flight; request dropped", peer, f.tag());
            return null;
        }
        return job;
    }

    /**
     * Tflush. Replies and Rflush are ordered under {@code replyOrder}: a request leaves the
     * in-flight table and has its reply written in one step, so a flush either finds it (and its
     * Rflush follows the reply) or does not (and the reply is already out).
     */
    private void flush(int tag, int oldtag) {
        synchronized (replyOrder) {
            InFlight old = inFlight.get(oldtag);
            if (old == null || !old.flushedBy(tag)) {
                send(tag, new RMessage.Rflush());
            }
        }
    }

    private void version(int tag, TMessage.Tversion v) {
        for (InFlight job : inFlight.values()) {
            job.abort();
        }
        awaitIdle();
        send(tag, session.version(v));
    }

    private void awaitIdle() {
        try {
            if (window.tryAcquire(windowSize, 60, TimeUnit.SECONDS)) {
                window.release(windowSize);
            } else {
                LOG.log(Level.WARNING, "{0}: requests still running 60 s after Tversion", peer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(int tag, RMessage reply) {
        if (closed) {
            return;
        }
        if (trace != null) {
            trace.accept(peer + " < " + TraceFormat.format(tag, reply));
        }
        EncodedFrame frame = MessageEncoder.encodeGather(tag, reply);
        try {
            sink.send(frame);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "{0}: send failed, closing: {1}", peer, e.toString());
            // close() waits for the running requests, and this thread may be running one of them
            // (holding its window permit and replyOrder): close from another thread.
            closed = true;
            Thread.ofVirtual().name("hvl9p-close-" + peer).start(this::close);
        }
    }

    /** Releases every fid and host descriptor of the session; later frames are ignored. */
    @Override
    public void close() {
        synchronized (closeLock) {
            closed = true; // from here no request enters the table; those in it are aborted below
        }
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        for (InFlight job : inFlight.values()) {
            job.abort();
        }
        awaitIdle();
        session.reset();
        server.forget(this);
    }

    private enum State {
        QUEUED,
        RUNNING,
        DONE,
        CANCELLED
    }

    /** One outstanding request and the Tflush tags waiting for it. */
    private final class InFlight implements Runnable {
        private final Frame<TMessage> frame;
        private State state = State.QUEUED;
        private boolean suppressReply;
        private List<Integer> flushTags;
        private Thread runner;
        /** Set by Tflush, Tversion or close; a waiting handler gives up (never a thread interrupt: NIO channels close on one). */
        private final AtomicBoolean cancel = new AtomicBoolean();

        final int cost;

        InFlight(Frame<TMessage> frame, int cost) {
            this.frame = frame;
            this.cost = cost;
        }

        /**
         * Returns true if the Rflush for {@code tag} will be sent when this request finishes;
         * false if it may be sent now (the request was cancelled before it started, and leaves
         * the table so that its tag is free again). Called under {@code replyOrder}.
         */
        synchronized boolean flushedBy(int tag) {
            switch (state) {
                case QUEUED -> {
                    cancel();
                    return false;
                }
                case RUNNING -> {
                    if (flushTags == null) {
                        flushTags = new ArrayList<>(1);
                    }
                    flushTags.add(tag);
                    cancel.set(true); // only waits (a blocking Tlock) look at it
                    LockSupport.unpark(runner);
                    return true;
                }
                default -> {
                    return false;
                }
            }
        }

        private void cancel() {
            state = State.CANCELLED;
            if (inFlight.remove(frame.tag(), this)) {
                window.release(cost);
            }
            sink.dropped(frame.tag());
        }

        /** Tversion or close: a queued request is dropped, a running one finishes without reply. */
        synchronized void abort() {
            if (state == State.QUEUED) {
                cancel();
            } else if (state == State.RUNNING) {
                suppressReply = true;
                cancel.set(true);
                LockSupport.unpark(runner);
            }
        }

        @Override
        public void run() {
            synchronized (this) {
                if (state == State.CANCELLED) {
                    return; // already out of the table, no reply
                }
                state = State.RUNNING;
                runner = Thread.currentThread();
            }
            RMessage reply;
            try {
                reply = session.handle(frame.message(), true, cancel::get);
            } catch (Throwable t) {
                // Session.handle turns every exception into Rlerror; reaching here is a bug.
                LOG.log(Level.ERROR, peer + ": request " + frame + " failed", t);
                reply = new RMessage.Rlerror(Errno.EIO);
            }
            List<Integer> waiting;
            boolean suppress;
            synchronized (replyOrder) {
                synchronized (this) {
                    state = State.DONE;
                    runner = null;
                    waiting = flushTags;
                    suppress = suppressReply;
                }
                // Out of the table before the reply is written: the client may reuse the tag
                // as soon as it has the reply.
                inFlight.remove(frame.tag(), this);
                if (!suppress) {
                    send(frame.tag(), reply);
                } else {
                    sink.dropped(frame.tag());
                }
            }
            // The Rflushes go before the permit is returned: Tversion waits for the permits, so
            // nothing of this request can follow its Rversion. A Tflush is aborted by Tversion
            // like any other request: no Rflush for it at all.
            if (waiting != null && !suppress) {
                for (int t : waiting) {
                    send(t, new RMessage.Rflush());
                }
            }
            window.release(cost);
        }
    }
}

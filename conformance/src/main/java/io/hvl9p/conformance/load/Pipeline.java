package io.hvl9p.conformance.load;

import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.RMessage.Rlerror;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.protocol.client.P9ErrorException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The measured requests of one connection. {@link #send} returns at once; the reply's handler runs
 * later on the connection's own thread, inside {@link #runNext}, so workload state needs no locks
 * and no request is ever sent from the client's reader thread (which must keep reading, or a
 * server blocked on a full socket would never drain ours).
 */
final class Pipeline {
    /** What to do with a reply; {@code nanos} is {@link System#nanoTime()} when it arrived. */
    @FunctionalInterface
    interface Handler<R extends RMessage> {
        void accept(R reply, long nanos) throws IOException;
    }

    @FunctionalInterface
    private interface Event {
        void run() throws IOException;
    }

    private final P9Client client;
    private final Duration timeout;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

    Pipeline(P9Client client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    P9Client client() {
        return client;
    }

    /** Sends {@code request}; its reply must be an {@code expected}, anything else fails the run. */
    <R extends RMessage> void send(TMessage request, Class<R> expected, Handler<R> then) throws IOException {
        client.send(request).whenComplete((Frame<RMessage> frame, Throwable error) -> {
            long nanos = System.nanoTime();
            events.add(() -> then.accept(check(request, expected, frame, error), nanos));
        });
    }

    private static <R extends RMessage> R check(
            TMessage request, Class<R> expected, Frame<RMessage> frame, Throwable error) throws IOException {
        if (error != null) {
            throw error instanceof IOException io
                    ? io
                    : new IOException(request.type().wireName() + " failed", error);
        }
        RMessage r = frame.message();
        if (r instanceof Rlerror e) {
            throw new P9ErrorException(request.type().wireName(), e.ecode());
        }
        if (!expected.isInstance(r)) {
            throw new IOException(request.type().wireName() + " answered with " + r);
        }
        return expected.cast(r);
    }

    /** Waits for the next reply and runs its handler on this thread. */
    void runNext() throws IOException {
        Event e;
        try {
            e = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ie);
        }
        if (e == null) {
            throw new IOException("no reply within " + timeout);
        }
        e.run();
    }
}

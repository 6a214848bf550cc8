package io.hvl9p.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.spi.Identity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The connection layer driven directly: frames in through {@link Connection#receive}, replies
 * captured from its {@link FrameSink}, a {@link FakeBackend} whose getattr can be held on a gate
 * to make a request slow.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionTest {
    private static final long ALL = GetattrMask.ALL;

    /** Replies as the client sees them, in the order the connection sent them. */
    static final class Sink implements FrameSink {
        private final List<Frame<RMessage>> replies = new ArrayList<>();
        /** Called with each reply after it is recorded, on the sending thread. */
        volatile Consumer<Frame<RMessage>> afterRecord = r -> {};

        volatile boolean fail;

        @Override
        public void send(EncodedFrame frame) throws IOException {
            if (fail) {
                throw new IOException("peer gone");
            }
            Frame<RMessage> r = MessageDecoder.decodeReply(frame.toBuffer(), Integer.MAX_VALUE);
            synchronized (this) {
                replies.add(r);
                notifyAll();
            }
            afterRecord.accept(r);
        }

        synchronized int size() {
            return replies.size();
        }

        synchronized List<Frame<RMessage>> snapshot() {
            return List.copyOf(replies);
        }

        /** Waits (bounded) until {@code n} replies have arrived; returns them all. */
        synchronized List<Frame<RMessage>> await(int n) throws InterruptedException {
            long end = System.nanoTime() + Poll.DEADLINE.toNanos();
            while (replies.size() < n) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + n + " replies, have " + replies);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return List.copyOf(replies);
        }
    }

    /** A server with one fake export and one connection on it. */
    static final class Harness implements AutoCloseable {
        final FakeBackend backend = new FakeBackend();
        final Sink sink = new Sink();
        final Server server;
        final Connection conn;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Harness(Consumer<ServerConfig.Builder> settings) {
            ServerConfig.Builder b =
                    ServerConfig.builder().export("fake", backend).users((u, n) -> Identity.ROOT);
            settings.accept(b);
            server = Server.start(b.build());
            conn = server.connect("test", sink);
        }

        void send(int tag, TMessage m) {
            conn.receive(MessageEncoder.encode(tag, m));
        }

        /** Sends a request and returns its reply, which must be the next one to arrive. */
        RMessage call(int tag, TMessage m) throws InterruptedException {
            int n = sink.size();
            send(tag, m);
            Frame<RMessage> r = sink.await(n + 1).get(n);
            assertThat(r.tag()).as("tag of the reply to %s", m).isEqualTo(tag);
            return r.message();
        }

        void attach(int fid) throws InterruptedException {
            assertThat(call(0, attachMessage(fid))).isInstanceOf(RMessage.Rattach.class);
        }

        void walk(int fid, int newfid, String name) throws InterruptedException {
            assertThat(call(0, new TMessage.Twalk(Fid.of(fid), Fid.of(newfid), List.of(P9Name.of(name)))))
                    .isInstanceOf(RMessage.Rwalk.class);
        }

        /** Runs {@code r} on a new thread; a failure there fails the test at {@link #close}. */
        Thread spawn(String name, Runnable r) {
            return Thread.ofPlatform().name(name).start(() -> {
                try {
                    r.run();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
        }

        @Override
        public void close() {
            backend.releaseAll();
            server.close();
            assertThat(failure.get()).as("failure on a helper thread").isNull();
        }
    }

    static TMessage.Tattach attachMessage(int fid) {
        return new TMessage.Tattach(
                Fid.of(fid), Fid.NOFID, P9String.of("root"), P9String.of("fake"), MiscConstants.NONUNAME);
    }

    static TMessage getattr(int fid) {
        return new TMessage.Tgetattr(Fid.of(fid), ALL);
    }

    static TMessage version() {
        return new TMessage.Tversion(8192, P9String.of(MiscConstants.VERSION_9P2000_L));
    }

    static List<Integer> tags(List<Frame<RMessage>> replies) {
        return replies.stream().map(Frame::tag).toList();
    }

    @Test
    void slowRequestsRunInParallelAndRepliesGoOutInCompletionOrder() throws Exception {
        try (Harness h = new Harness(b -> b.workers(4))) {
            h.attach(0);
            List<FakeBackend.Gate> gates = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                h.walk(0, i, "slow" + i);
                gates.add(h.backend.gate("slow" + i));
            }
            h.walk(0, 4, "fast");
            int base = h.sink.size();
            for (int i = 1; i <= 3; i++) {
                h.send(10 + i, getattr(i));
            }
            for (FakeBackend.Gate g : gates) {
                g.awaitEntered(); // all three held at once: they run in parallel
            }
            h.send(20, getattr(4));
            assertThat(tags(h.sink.await(base + 1).subList(base, base + 1)))
                    .as("a fast request is not stuck behind slow ones")
                    .containsExactly(20);
            gates.get(1).release();
            h.sink.await(base + 2);
            gates.get(2).release();
            h.sink.await(base + 3);
            gates.get(0).release();
            List<Frame<RMessage>> all = h.sink.await(base + 4);
            assertThat(tags(all.subList(base, all.size()))).containsExactly(20, 12, 13, 11);
            assertThat(all.subList(base, all.size()))
                    .allSatisfy(r -> assertThat(r.message()).isInstanceOf(RMessage.Rgetattr.class));
        }
    }

    @Test
    void flushOfARunningRequestSendsItsReplyBeforeTheRflush() throws Exception {
        try (Harness h = new Harness(b -> b.workers(2))) {
            h.attach(0);
            h.walk(0, 1, "slow");
            FakeBackend.Gate gate = h.backend.gate("slow");
            int base = h.sink.size();
            h.send(5, getattr(1));
            gate.awaitEntered();
            h.send(6, new TMessage.Tflush(5));
            assertThat(h.sink.size()).as("no Rflush while the request runs").isEqualTo(base);
            gate.release();
            List<Frame<RMessage>> r = h.sink.await(base + 2);
            assertThat(tags(r.subList(base, base + 2))).containsExactly(5, 6);
            assertThat(r.get(base).message()).isInstanceOf(RMessage.Rgetattr.class);
            assertThat(r.get(base + 1).message()).isInstanceOf(RMessage.Rflush.class);
            // The flushed tag is free again as soon as the Rflush is out.
            assertThat(h.call(5, getattr(0))).isInstanceOf(RMessage.Rgetattr.class);
        }
    }

    @Test
    void flushOfAQueuedRequestCancelsItWithoutAReply() throws Exception {
        try (Harness h = new Harness(b -> b.workers(1))) {
            h.attach(0);
            h.walk(0, 1, "slow");
            h.walk(0, 2, "fast");
            FakeBackend.Gate gate = h.backend.gate("slow");
            int base = h.sink.size();
            h.send(5, getattr(1));
            gate.awaitEntered(); // the only worker is busy: what follows stays queued
            h.send(6, getattr(2));
            h.send(7, new TMessage.Tflush(6));
            List<Frame<RMessage>> r = h.sink.snapshot();
            assertThat(tags(r.subList(base, r.size()))).as("Rflush at once").containsExactly(7);
            assertThat(r.getLast().message()).isInstanceOf(RMessage.Rflush.class);
            // Tag 6 may be reused immediately after its Rflush.
            h.send(6, new TMessage.Tclunk(Fid.of(2)));
            gate.release();
            r = h.sink.await(base + 3);
            assertThat(tags(r.subList(base, r.size()))).containsExactly(7, 5, 6);
            assertThat(r.get(base + 2).message()).isInstanceOf(RMessage.Rclunk.class);
            assertThat(h.backend.getattrCalls("fast"))
                    .as("the cancelled request never ran")
                    .isZero();
            assertThat(h.sink.size()).isEqualTo(base + 3);
        }
    }

    @Test
    void flushOfAnUnknownTagIsAnsweredAtOnce() throws Exception {
        try (Harness h = new Harness(b -> {})) {
            h.send(9, new TMessage.Tflush(1234));
            List<Frame<RMessage>> r = h.sink.snapshot();
            assertThat(r).hasSize(1);
            assertThat(r.getFirst().tag()).isEqualTo(9);
            assertThat(r.getFirst().message()).isInstanceOf(RMessage.Rflush.class);
        }
    }

    /**
     * Regression "tag reused while in flight": the server once removed a request from its table
     * only after the reply was written, and the Linux client reuses a tag the moment it has the
     * reply, so the next request on that tag was dropped.
     */
    @Test
    void tagReusedAsSoonAsTheClientHasTheReplyIsAccepted() throws Exception {
        try (Harness h = new Harness(b -> b.workers(2))) {
            h.attach(0);
            h.walk(0, 1, "a");
            CountDownLatch delivered = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            h.sink.afterRecord = r -> {
                if (r.tag() == 7 && delivered.getCount() > 0) {
                    delivered.countDown();
                    try {
                        // The client has the reply; the writing thread has not returned yet.
                        resume.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            int base = h.sink.size();
            h.send(7, getattr(1));
            assertThat(delivered.await(10, TimeUnit.SECONDS)).isTrue();
            h.send(7, getattr(1));
            Poll.until(
                    () -> h.backend.getattrCalls("a") == 2,
                    () -> "the second request on tag 7 was not run (dropped as in flight?)");
            resume.countDown();
            List<Frame<RMessage>> r = h.sink.await(base + 2);
            assertThat(tags(r.subList(base, r.size()))).containsExactly(7, 7);
        }
    }

    @Test
    void versionWaitsForRunningRequestsSuppressesTheirRepliesAndReleasesEveryFid() throws Exception {
        try (Harness h = new Harness(b -> b.workers(1))) {
            h.attach(0);
            h.walk(0, 1, "slow");
            h.walk(0, 2, "fast");
            FakeBackend.Gate gate = h.backend.gate("slow");
            int base = h.sink.size();
            h.send(5, getattr(1));
            gate.awaitEntered();
            h.send(6, getattr(2)); // queued behind it
            Thread v = h.spawn("tversion", () -> h.send(MiscConstants.NOTAG, version()));
            Poll.untilState(v, Thread.State.TIMED_WAITING); // Tversion waits for the running request
            assertThat(h.sink.size()).isEqualTo(base);
            gate.release();
            Poll.join(v);
            List<Frame<RMessage>> r = h.sink.await(base + 1);
            assertThat(r.subList(base, r.size())).hasSize(1);
            assertThat(r.getLast().tag()).isEqualTo(MiscConstants.NOTAG);
            assertThat(r.getLast().message()).isEqualTo(new RMessage.Rversion(8192, P9String.of("9P2000.L")));
            assertThat(h.conn.fidCount()).isZero();
            assertThat(h.backend.leaks()).as("nodes and files left open").isZero();
            assertThat(h.backend.getattrCalls("fast"))
                    .as("the queued request was dropped")
                    .isZero();
            // The session goes on at the new msize, and the next reply is this one's.
            assertThat(h.conn.maxFrameSize()).isEqualTo(8192);
            h.attach(0);
            assertThat(h.sink.size()).isEqualTo(base + 2);
        }
    }

    /** Tversion aborts every outstanding request, Tflush included: no Rflush may follow Rversion. */
    @Test
    void versionAbortsAPendingFlushToo() throws Exception {
        try (Harness h = new Harness(b -> b.workers(1))) {
            h.attach(0);
            h.walk(0, 1, "slow");
            FakeBackend.Gate gate = h.backend.gate("slow");
            int base = h.sink.size();
            h.send(5, getattr(1));
            gate.awaitEntered();
            h.send(6, new TMessage.Tflush(5));
            Thread v = h.spawn("tversion", () -> h.send(MiscConstants.NOTAG, version()));
            Poll.untilState(v, Thread.State.TIMED_WAITING);
            gate.release();
            Poll.join(v);
            // One worker: the attach runs only after the aborted request has finished entirely.
            h.attach(0);
            List<Frame<RMessage>> r = h.sink.snapshot();
            assertThat(tags(r.subList(base, r.size()))).containsExactly(MiscConstants.NOTAG, 0);
        }
    }

    static Stream<Arguments> malformedFrames() {
        ByteBuffer getattr = MessageEncoder.encode(3, getattr(0));
        ByteBuffer clunk = MessageEncoder.encode(3, new TMessage.Tclunk(Fid.of(0)));
        return Stream.of(
                Arguments.of("truncated Tgetattr", resize(getattr, getattr.remaining() - 3)),
                Arguments.of("trailing bytes after Tclunk", resize(clunk, clunk.remaining() + 2)),
                Arguments.of("unknown type 200", raw(200, 3)),
                Arguments.of("a reply type (Rgetattr)", raw(25, 3, new byte[8])),
                Arguments.of("an odd type (Tversion - 1)", raw(99, 3, new byte[6])),
                Arguments.of("size field larger than the frame", withSizeField(clunk, 100)),
                Arguments.of("NUL in a walk name", walkWithName(3, new byte[] {'a', 0, 'b'})),
                Arguments.of("'/' in a walk name", walkWithName(3, new byte[] {'a', '/', 'b'})));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void malformedFrameGetsRlerrorWithItsTagAndTheConnectionGoesOn(String what, ByteBuffer frame) throws Exception {
        try (Harness h = new Harness(b -> {})) {
            h.attach(0);
            int base = h.sink.size();
            h.conn.receive(frame);
            List<Frame<RMessage>> r = h.sink.await(base + 1);
            assertThat(r.get(base).tag()).isEqualTo(3);
            assertThat(r.get(base).message()).isInstanceOfSatisfying(RMessage.Rlerror.class, e -> assertThat(e.ecode())
                    .isPositive());
            assertThat(h.call(4, getattr(0))).isInstanceOf(RMessage.Rgetattr.class);
            assertThat(h.conn.isClosed()).isFalse();
        }
    }

    @Test
    void frameShorterThanAHeaderIsIgnored() throws Exception {
        try (Harness h = new Harness(b -> {})) {
            h.conn.receive(ByteBuffer.wrap(new byte[] {5, 0, 0, 0, 120}));
            assertThat(h.sink.size()).isZero();
            h.attach(0);
        }
    }

    @Test
    void backendRuntimeExceptionBecomesEioAndTheConnectionGoesOn() throws Exception {
        try (Harness h = new Harness(b -> {})) {
            h.attach(0);
            h.walk(0, 1, "boom");
            assertThat(h.call(5, getattr(1))).isEqualTo(new RMessage.Rlerror(Errno.EIO));
            assertThat(h.call(6, getattr(0))).isInstanceOf(RMessage.Rgetattr.class);
            assertThat(h.call(7, new TMessage.Tclunk(Fid.of(1)))).isInstanceOf(RMessage.Rclunk.class);
        }
    }

    @Test
    void closeReleasesEveryFidAndLaterFramesAreIgnored() throws Exception {
        try (Harness h = new Harness(b -> {})) {
            h.attach(0);
            h.walk(0, 1, "a");
            h.walk(0, 2, "b");
            assertThat(h.call(3, new TMessage.Tlopen(Fid.of(2), OpenFlags.RDWR)))
                    .isInstanceOf(RMessage.Rlopen.class);
            assertThat(h.conn.fidCount()).isEqualTo(3);
            assertThat(h.backend.filesOpened.get()).isEqualTo(1);
            assertThat(h.server.connectionCount()).isEqualTo(1);
            int base = h.sink.size();
            h.conn.close();
            assertThat(h.conn.isClosed()).isTrue();
            assertThat(h.conn.fidCount()).isZero();
            assertThat(h.backend.leaks()).as("nodes and files left open").isZero();
            assertThat(h.backend.filesClosed.get()).isEqualTo(1);
            assertThat(h.server.connectionCount()).isZero();
            h.send(4, attachMessage(9));
            assertThat(h.sink.size()).isEqualTo(base);
            assertThat(h.backend.leaks()).isZero();
        }
    }

    @Test
    void closeWaitsForARunningRequestAndSendsNoReplyForIt() throws Exception {
        try (Harness h = new Harness(b -> {})) {
            h.attach(0);
            h.walk(0, 1, "slow");
            FakeBackend.Gate gate = h.backend.gate("slow");
            int base = h.sink.size();
            h.send(5, getattr(1));
            gate.awaitEntered();
            Thread c = h.spawn("close", h.conn::close);
            Poll.untilState(c, Thread.State.TIMED_WAITING);
            assertThat(h.conn.fidCount())
                    .as("fids stay while a request uses them")
                    .isEqualTo(2);
            gate.release();
            Poll.join(c);
            assertThat(h.backend.leaks()).isZero();
            assertThat(h.sink.size()).isEqualTo(base);
        }
    }

    /** A failing sink (the peer is gone) closes the connection from a worker thread, promptly. */
    @Test
    void failedReplyClosesTheConnectionWithoutWaitingForItself() throws Exception {
        try (Harness h = new Harness(b -> {})) {
            h.sink.fail = true;
            h.send(0, attachMessage(0));
            Poll.until(
                    () -> h.server.connectionCount() == 0 && h.backend.leaks() == 0,
                    () -> "connections " + h.server.connectionCount() + ", leaks " + h.backend.leaks());
            assertThat(h.conn.isClosed()).isTrue();
        }
    }

    /**
     * Server.close() closes connections from its own thread while their readers may be inside
     * receive(): a request that got past the closed check must not run after the session was reset.
     */
    @Test
    void requestArrivingWhileTheConnectionClosesLeaksNothing() throws Exception {
        CountDownLatch inReceive = new CountDownLatch(1);
        CountDownLatch closedNow = new CountDownLatch(1);
        Consumer<String> trace = line -> {
            if (line.contains("> Tattach tag 9 ")) {
                inReceive.countDown();
                try {
                    closedNow.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Harness h = new Harness(b -> b.trace(trace));
        try {
            h.attach(0);
            Thread t = h.spawn("reader", () -> h.send(9, attachMessage(9)));
            assertThat(inReceive.await(10, TimeUnit.SECONDS)).isTrue();
            h.conn.close();
            closedNow.countDown();
            Poll.join(t);
        } finally {
            h.close(); // waits for the workers to finish
        }
        assertThat(h.conn.fidCount()).isZero();
        assertThat(h.backend.leaks()).as("nodes left open").isZero();
    }

    @Test
    void receiveBlocksWhileTheWindowIsFull() throws Exception {
        try (Harness h = new Harness(b -> b.maxInFlight(4).workers(8))) {
            h.attach(0);
            List<FakeBackend.Gate> gates = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                h.walk(0, i, "slow" + i);
                gates.add(h.backend.gate("slow" + i));
            }
            h.walk(0, 5, "fast");
            int base = h.sink.size();
            for (int i = 1; i <= 4; i++) {
                h.send(10 + i, getattr(i));
            }
            for (FakeBackend.Gate g : gates) {
                g.awaitEntered();
            }
            Thread fifth = h.spawn("fifth", () -> h.send(15, getattr(5)));
            Poll.untilState(fifth, Thread.State.WAITING); // parked: four requests are outstanding
            assertThat(h.backend.getattrCalls("fast")).isZero();
            gates.get(2).release();
            Poll.join(fifth);
            List<Frame<RMessage>> r = h.sink.await(base + 2);
            assertThat(tags(r.subList(base, r.size()))).containsExactlyInAnyOrder(13, 15);
            assertThat(h.backend.getattrCalls("fast")).isEqualTo(1);
        }
    }

    /** The window counts bytes too: a 1 MB Twrite takes 16 permits, so a flood of them cannot pile up. */
    @Test
    void aLargeFrameTakesAPermitPer64KiB() throws Exception {
        try (Harness h = new Harness(b -> b.maxInFlight(20).workers(8))) {
            h.attach(0);
            h.walk(0, 1, "slow");
            FakeBackend.Gate gate = h.backend.gate("slow", 5);
            int base = h.sink.size();
            for (int i = 0; i < 5; i++) {
                h.send(10 + i, getattr(1)); // 5 permits
            }
            gate.awaitEntered();
            // 1 + 1_000_000 / 65536 = 16 permits: 21 > 20, so the reader waits for a getattr
            Thread big = h.spawn(
                    "big",
                    () -> h.send(20, new TMessage.Twrite(Fid.of(1), 0, java.nio.ByteBuffer.allocate(1_000_000))));
            Poll.untilState(big, Thread.State.WAITING);
            gate.release();
            Poll.join(big);
            List<Frame<RMessage>> r = h.sink.await(base + 6);
            assertThat(tags(r.subList(base, r.size()))).contains(20);
        }
    }

    @Test
    void flushAndVersionAreNotHeldByTheWindow() throws Exception {
        try (Harness h = new Harness(b -> b.maxInFlight(1).workers(2))) {
            h.attach(0);
            h.walk(0, 1, "slow");
            FakeBackend.Gate gate = h.backend.gate("slow");
            int base = h.sink.size();
            h.send(5, getattr(1));
            gate.awaitEntered();
            h.send(6, new TMessage.Tflush(77)); // the window is full, yet Tflush is answered
            assertThat(tags(h.sink.snapshot().subList(base, base + 1))).containsExactly(6);
            gate.release();
            h.sink.await(base + 2);
        }
    }

    // --- raw frames -------------------------------------------------------------------------

    private static ByteBuffer raw(int type, int tag, byte... body) {
        ByteBuffer b = ByteBuffer.allocate(7 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(7 + body.length).put((byte) type).putShort((short) tag).put(body);
        return b.flip();
    }

    /** The frame cut or padded with zeros to {@code size} bytes, its size field matching. */
    private static ByteBuffer resize(ByteBuffer frame, int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(frame.duplicate().limit(Math.min(size, frame.remaining())));
        b.putInt(0, size);
        return b.clear();
    }

    private static ByteBuffer withSizeField(ByteBuffer frame, int size) {
        ByteBuffer b = ByteBuffer.allocate(frame.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(frame.duplicate()).putInt(0, size);
        return b.flip();
    }

    private static ByteBuffer walkWithName(int tag, byte[] name) {
        ByteBuffer body = ByteBuffer.allocate(4 + 4 + 2 + 2 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt(0)
                .putInt(1)
                .putShort((short) 1)
                .putShort((short) name.length)
                .put(name);
        return raw(110, tag, body.array());
    }
}

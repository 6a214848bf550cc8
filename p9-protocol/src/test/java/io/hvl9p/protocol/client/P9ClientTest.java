package io.hvl9p.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.RMessage.*;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.TMessage.*;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a scripted server on a real Unix socket: the server's behaviour per request
 * is a function that may answer, hold the request, or answer later.
 */
class P9ClientTest {
    @TempDir
    Path dir;

    ServerSocketChannel server;
    final List<Thread> threads = new ArrayList<>();

    /** Held requests by tag, for tests that answer out of order. */
    final ConcurrentHashMap<Integer, TMessage> held = new ConcurrentHashMap<>();

    SocketChannel peer;

    /** Starts a one-connection server; {@code handler} returns a reply, or null to hold the request. */
    Path serve(BiFunction<Integer, TMessage, RMessage> handler) throws IOException {
        Path sock = dir.resolve("s");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(sock));
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            try (SocketChannel c = server.accept()) {
                peer = c;
                SocketFrameChannelPeer fc = new SocketFrameChannelPeer(c);
                ByteBuffer f;
                while ((f = fc.receive()) != null) {
                    Frame<TMessage> req = MessageDecoder.decodeRequest(f, 1 << 20);
                    RMessage r = handler.apply(req.tag(), req.message());
                    if (r != null) {
                        reply(req.tag(), r);
                    } else {
                        held.put(req.tag(), req.message());
                    }
                }
            } catch (IOException e) {
                // connection closed by the test
            }
        });
        threads.add(t);
        return sock;
    }

    synchronized void reply(int tag, RMessage r) throws IOException {
        EncodedFrame e = MessageEncoder.encodeGather(tag, r);
        ByteBuffer[] b = e.buffers();
        long left = e.size();
        while (left > 0) {
            left -= peer.write(b);
        }
    }

    /** Reads frames from the server's side of the socket. */
    static final class SocketFrameChannelPeer {
        final SocketChannel c;
        final io.hvl9p.protocol.FrameDecoder d = new io.hvl9p.protocol.FrameDecoder(1 << 20);
        final java.util.ArrayDeque<ByteBuffer> q = new java.util.ArrayDeque<>();
        final ByteBuffer in = ByteBuffer.allocate(65536);

        SocketFrameChannelPeer(SocketChannel c) {
            this.c = c;
        }

        ByteBuffer receive() throws IOException {
            while (q.isEmpty()) {
                in.clear();
                if (c.read(in) < 0) {
                    return null;
                }
                d.feed(in.flip(), q::add);
            }
            return q.poll();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (peer != null) {
            peer.close();
        }
        for (Thread t : threads) {
            t.join(5000);
        }
    }

    static RMessage basic(int tag, TMessage m) {
        return switch (m) {
            case Tversion v -> new Rversion(Math.min(v.msize(), 8192), P9String.of("9P2000.L"));
            case Tattach a -> new Rattach(new Qid(Qid.QTDIR, 0, 1));
            case Tclunk c -> new Rclunk();
            case Twalk w -> new Rlerror(Errno.ENOENT);
            default -> new Rlerror(Errno.EOPNOTSUPP);
        };
    }

    @Test
    void negotiatesMsizeAndMapsRlerrorToErrno() throws Exception {
        Path s = serve(P9ClientTest::basic);
        try (P9Client c = P9Client.connect(SocketFrameChannel.unix(s), 131072, Duration.ofSeconds(5))) {
            assertThat(c.msize()).isEqualTo(8192);
            Fid root = c.newFid();
            Rattach a = c.call(new Tattach(root, Fid.NOFID, P9String.of("root"), P9String.EMPTY, 0), Rattach.class);
            assertThat(a.qid().isDirectory()).isTrue();
            assertThatThrownBy(() ->
                            c.call(new Twalk(root, c.newFid(), List.of(io.hvl9p.protocol.P9Name.of("x"))), Rwalk.class))
                    .isInstanceOfSatisfying(
                            P9ErrorException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                    .hasMessageContaining("ENOENT");
            assertThatThrownBy(() -> c.call(new Tclunk(root), Rattach.class))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Rclunk");
        }
    }

    @Test
    void refusesAServerThatDoesNotSpeak9P2000L() throws Exception {
        Path s = serve((t, m) -> new Rversion(8192, P9String.of("unknown")));
        assertThatThrownBy(() -> P9Client.connect(SocketFrameChannel.unix(s), 8192, Duration.ofSeconds(5)))
                .hasMessageContaining("unknown");
    }

    @Test
    void manyOutstandingRequestsAreMatchedByTagWhenAnsweredInReverseOrder() throws Exception {
        int n = 50;
        Path s = serve((t, m) -> m instanceof Tversion ? basic(t, m) : null);
        try (P9Client c = P9Client.connect(SocketFrameChannel.unix(s), 8192, Duration.ofSeconds(5))) {
            List<CompletableFuture<Frame<RMessage>>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(c.send(new Tread(Fid.of(i), i, 10)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (held.size() < n && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(held).hasSize(n);
            List<Integer> tags = new ArrayList<>(held.keySet());
            tags.sort(java.util.Comparator.reverseOrder());
            for (int tag : tags) {
                Tread r = (Tread) held.get(tag);
                reply(tag, new Rread(ByteBuffer.wrap(("fid" + r.fid().value()).getBytes())));
            }
            for (int i = 0; i < n; i++) {
                Rread r = (Rread) fs.get(i).get(5, TimeUnit.SECONDS).message();
                byte[] b = new byte[r.count()];
                r.data().get(b);
                assertThat(new String(b)).isEqualTo("fid" + i);
            }
            assertThat(tags).as("distinct tags").doesNotHaveDuplicates();
        }
    }

    @Test
    void timeoutSendsTflushAndCancelsTheRequest() throws Exception {
        CountDownLatch flushed = new CountDownLatch(1);
        Path s = serve((t, m) -> switch (m) {
            case Tversion v -> basic(t, m);
            case Tflush f -> {
                flushed.countDown();
                yield new Rflush();
            }
            default -> null;
        });
        try (P9Client c = P9Client.connect(SocketFrameChannel.unix(s), 8192, Duration.ofMillis(300))) {
            assertThatThrownBy(() -> c.call(new Tgetattr(Fid.of(1), 0x7ff), Rgetattr.class))
                    .hasMessageContaining("timed out");
            assertThat(flushed.await(5, TimeUnit.SECONDS)).isTrue();
            TMessage heldReq = held.values().iterator().next();
            assertThat(heldReq).isInstanceOf(Tgetattr.class);
        }
    }

    @Test
    void lostConnectionFailsOutstandingRequests() throws Exception {
        Path s = serve((t, m) -> m instanceof Tversion ? basic(t, m) : null);
        try (P9Client c = P9Client.connect(SocketFrameChannel.unix(s), 8192, Duration.ofSeconds(5))) {
            CompletableFuture<Frame<RMessage>> f = c.send(new Tclunk(Fid.of(9)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (held.isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            peer.close();
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasMessageContaining("connection lost");
        }
    }
}

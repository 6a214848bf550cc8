package io.hvl9p.server.escape;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.SocketFrameChannel;
import io.hvl9p.server.Connection;
import io.hvl9p.server.Server;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One request at a time as raw frame bytes, so that a test can send what {@code P9Name} and
 * {@code P9String} refuse to build: names holding '/' or NUL. Two ways in: a Unix socket (the
 * stream framing as well as the decoder) or {@link Connection#receive} directly.
 */
abstract class RawConnection implements AutoCloseable {
    static final int MSIZE = 65536;
    private int nextTag = 1;

    /** Sends one whole frame and returns the reply to it. */
    abstract ByteBuffer exchange(ByteBuffer frame) throws IOException;

    final RMessage call(TMessage m) throws IOException {
        return send(MessageEncoder.encode(nextTag++, m));
    }

    /** Sends a frame (its tag is whatever it holds) and decodes the reply, checking its tag. */
    final RMessage send(ByteBuffer frame) throws IOException {
        int tag = frame.order(ByteOrder.LITTLE_ENDIAN).getShort(frame.position() + 5) & 0xffff;
        Frame<RMessage> r = MessageDecoder.decodeReply(exchange(frame), MSIZE);
        assertThat(r.tag()).as("reply tag").isEqualTo(tag);
        return r.message();
    }

    @Override
    public abstract void close() throws IOException;

    final int newTag() {
        return nextTag++;
    }

    final RawConnection handshake() throws IOException {
        RMessage r = send(MessageEncoder.encode(
                MiscConstants.NOTAG, new TMessage.Tversion(MSIZE, P9String.of(MiscConstants.VERSION_9P2000_L))));
        assertThat(r).isInstanceOf(RMessage.Rversion.class);
        return this;
    }

    /**
     * {@code frame} with the one occurrence of {@code placeholder} replaced by {@code actual} (same
     * length): the way to put bytes into a name that the message records would refuse.
     */
    static ByteBuffer patch(ByteBuffer frame, byte[] placeholder, byte[] actual) {
        assertThat(actual).hasSameSizeAs(placeholder);
        byte[] a = new byte[frame.remaining()];
        frame.duplicate().get(a);
        int at = indexOf(a, placeholder, 0);
        assertThat(at).as("placeholder in the frame").isNotNegative();
        assertThat(indexOf(a, placeholder, at + 1)).as("placeholder once").isNegative();
        System.arraycopy(actual, 0, a, at, actual.length);
        return ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int indexOf(byte[] a, byte[] p, int from) {
        outer:
        for (int i = from; i + p.length <= a.length; i++) {
            for (int j = 0; j < p.length; j++) {
                if (a[i + j] != p[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Through the server's Unix socket. */
    static RawConnection socket(Path socket) throws IOException {
        SocketFrameChannel ch = SocketFrameChannel.unix(socket);
        return new RawConnection() {
            @Override
            ByteBuffer exchange(ByteBuffer frame) throws IOException {
                ch.send(new EncodedFrame(frame, ByteBuffer.allocate(0)));
                ByteBuffer r = ch.receive();
                if (r == null) {
                    throw new IOException("the server closed the connection");
                }
                return r;
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        }.handshake();
    }

    /** Straight into {@link Connection#receive}, as a transport would call it. */
    static RawConnection inProcess(Server server) throws IOException {
        BlockingQueue<ByteBuffer> replies = new LinkedBlockingQueue<>();
        Connection conn = server.connect("raw-frames", f -> replies.add(f.toBuffer()));
        return new RawConnection() {
            @Override
            ByteBuffer exchange(ByteBuffer frame) throws IOException {
                conn.receive(frame);
                try {
                    ByteBuffer r = replies.poll(Client.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    if (r == null) {
                        throw new IOException("no reply within " + Client.TIMEOUT);
                    }
                    return r;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }

            @Override
            public void close() {
                conn.close();
            }
        }.handshake();
    }
}

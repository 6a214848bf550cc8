package io.hvl9p.protocol.client;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.FrameDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/** Frames over a TCP or Unix-domain stream socket. */
public final class SocketFrameChannel implements FrameChannel {
    private final SocketChannel ch;
    private final FrameDecoder decoder;
    private final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
    private final ArrayDeque<ByteBuffer> ready = new ArrayDeque<>();
    private final ReentrantLock sendLock = new ReentrantLock();

    private SocketFrameChannel(SocketChannel ch, int maxFrameSize) {
        this.ch = ch;
        this.decoder = new FrameDecoder(maxFrameSize);
        in.flip();
    }

    /** Connects to {@code host:port} over TCP (with TCP_NODELAY). */
    public static SocketFrameChannel tcp(String host, int port) throws IOException {
        return connect(new InetSocketAddress(host, port));
    }

    /** Connects to a Unix-domain socket. */
    public static SocketFrameChannel unix(Path path) throws IOException {
        return connect(UnixDomainSocketAddress.of(path));
    }

    /** Connects to an address: an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}. */
    public static SocketFrameChannel connect(SocketAddress address) throws IOException {
        SocketChannel ch = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        try {
            ch.connect(address);
            if (address instanceof InetSocketAddress) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new SocketFrameChannel(ch, 8 * 1024 * 1024);
    }

    @Override
    public void send(EncodedFrame frame) throws IOException {
        ByteBuffer[] bufs = frame.buffers();
        sendLock.lock();
        try {
            long left = frame.size();
            while (left > 0) {
                left -= ch.write(bufs);
            }
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public ByteBuffer receive() throws IOException {
        while (ready.isEmpty()) {
            if (!in.hasRemaining()) {
                in.clear();
                int n = ch.read(in);
                in.flip();
                if (n < 0) {
                    if (decoder.inFrame()) {
                        throw new IOException("connection closed in the middle of a frame");
                    }
                    return null;
                }
            }
            decoder.feed(in, ready::add);
        }
        return ready.poll();
    }

    @Override
    public void maxFrameSize(int max) {
        decoder.maxFrameSize(max);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}

package io.hvl9p.virtio9p;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.FrameChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;

/** A {@link FrameChannel} that notes the type of every T-message sent, for the coverage check. */
final class RecordingChannel implements FrameChannel {
    private final FrameChannel inner;
    private final Set<Class<? extends TMessage>> sent;

    RecordingChannel(FrameChannel inner, Set<Class<? extends TMessage>> sent) {
        this.inner = inner;
        this.sent = sent;
    }

    @Override
    public void send(EncodedFrame frame) throws IOException {
        ByteBuffer copy = frame.toBuffer();
        sent.add(MessageDecoder.decodeRequest(copy, Integer.MAX_VALUE).message().getClass());
        inner.send(frame);
    }

    @Override
    public ByteBuffer receive() throws IOException {
        return inner.receive();
    }

    @Override
    public void maxFrameSize(int max) {
        inner.maxFrameSize(max);
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}

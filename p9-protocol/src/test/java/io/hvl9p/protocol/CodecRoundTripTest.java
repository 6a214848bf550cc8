package io.hvl9p.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CodecRoundTripTest {
    static final int MSIZE = 1 << 20;

    static Stream<Message> vectors() {
        return Vectors.all().stream();
    }

    @Test
    void everyMessageTypeHasAVector() {
        Set<MessageType> covered = Vectors.all().stream().map(Message::type).collect(Collectors.toSet());
        Set<MessageType> missing = EnumSet.allOf(MessageType.class);
        missing.removeAll(covered);
        assertThat(missing).as("message types without a round-trip vector").isEmpty();
    }

    static Message decode(ByteBuffer frame, boolean request) {
        return request
                ? MessageDecoder.decodeRequest(frame, MSIZE).message()
                : MessageDecoder.decodeReply(frame, MSIZE).message();
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void roundTrips(Message m) {
        ByteBuffer wire = MessageEncoder.encode(0x1234, m);
        assertThat(wire.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0))
                .as("size field")
                .isEqualTo(wire.remaining());
        assertThat(wire.get(4) & 0xff).isEqualTo(m.type().code());
        boolean request = m.type().isRequest();
        Frame<? extends Message> f = request
                ? MessageDecoder.decodeRequest(wire.duplicate(), MSIZE)
                : MessageDecoder.decodeReply(wire.duplicate(), MSIZE);
        assertThat(f.tag()).isEqualTo(0x1234);
        assertThat(f.message()).isEqualTo(m);
        assertThat(MessageEncoder.encode(f)).isEqualTo(wire);
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void gatherEncodingMatchesSingleBuffer(Message m) {
        EncodedFrame g = MessageEncoder.encodeGather(7, m);
        ByteBuffer whole = MessageEncoder.encode(7, m);
        assertThat(g.toBuffer()).isEqualTo(whole);
        if (m instanceof RMessage.Rread || m instanceof TMessage.Twrite) {
            assertThat(g.head().remaining()).as("data left out of the header").isLessThanOrEqualTo(23);
        }
    }

    @Test
    void streamDecoderFedOneByteAtATimeYieldsEveryFrame() {
        List<ByteBuffer> wires = new ArrayList<>();
        ByteBuffer all = ByteBuffer.allocate(1 << 20);
        int tag = 0;
        for (Message m : Vectors.all()) {
            ByteBuffer w = MessageEncoder.encode(tag++, m);
            wires.add(w);
            all.put(w.duplicate());
        }
        all.flip();
        List<ByteBuffer> out = new ArrayList<>();
        FrameDecoder d = new FrameDecoder(MSIZE);
        while (all.hasRemaining()) {
            d.feed(all.slice(all.position(), 1), out::add);
            all.position(all.position() + 1);
        }
        assertThat(out).isEqualTo(wires);
        List<Message> back = new ArrayList<>();
        for (ByteBuffer b : out) {
            back.add(decode(b, MessageType.ofCode(b.get(4) & 0xff).isRequest()));
        }
        assertThat(back).isEqualTo(Vectors.all());
    }

    @Test
    void twriteDataIsAViewOfTheFrameNotACopy() {
        ByteBuffer wire = MessageEncoder.encode(1, new TMessage.Twrite(Fid.of(1), 0, Vectors.data(100)));
        TMessage.Twrite w =
                (TMessage.Twrite) MessageDecoder.decodeRequest(wire, MSIZE).message();
        wire.put(23, (byte) 0x55);
        assertThat(w.data().get(0)).isEqualTo((byte) 0x55);
    }

    @Test
    void typeTableHasNoDuplicatesAndRequestsAreEven() {
        for (MessageType t : MessageType.values()) {
            assertThat(MessageType.ofCode(t.code())).isSameAs(t);
            assertThat(t.isRequest()).isEqualTo(t.name().startsWith("T"));
        }
        assertThat(MessageType.ofCode(106)).as("Terror is not 9P2000.L").isNull();
        assertThat(MessageType.TWALK.wireName()).isEqualTo("Twalk");
    }

    @Test
    void openFlagsAreTheX86Values() {
        assertThat(OpenFlags.DIRECTORY).isEqualTo(0200000);
        assertThat(OpenFlags.NOFOLLOW).isEqualTo(0400000);
        assertThat(OpenFlags.describe(02304000)).isEqualTo("RDONLY|NONBLOCK|LARGEFILE|DIRECTORY|CLOEXEC");
        assertThat(OpenFlags.describe(0x8241)).isEqualTo("WRONLY|CREATE|TRUNC|LARGEFILE");
    }
}

package io.hvl9p.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MalformedInputTest {
    static final int MSIZE = 1 << 20;

    static Stream<Message> vectors() {
        return Vectors.all().stream();
    }

    static Throwable decode(byte[] frame) {
        return catchThrowable(() -> {
            int type = frame.length > 4 ? frame[4] & 0xff : 0;
            MessageType t = MessageType.ofCode(type);
            if (t != null && !t.isRequest()) {
                MessageDecoder.decodeReply(ByteBuffer.wrap(frame), MSIZE);
            } else {
                MessageDecoder.decodeRequest(ByteBuffer.wrap(frame), MSIZE);
            }
        });
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    static byte[] withSize(byte[] f) {
        if (f.length >= 4) {
            ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(0, f.length);
        }
        return f;
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void truncationAtEveryOffsetIsRejected(Message m) {
        byte[] wire = bytes(MessageEncoder.encode(3, m));
        for (int cut = 0; cut < wire.length; cut++) {
            byte[] raw = java.util.Arrays.copyOf(wire, cut);
            assertThat(decode(raw))
                    .as("cut at %d, size field unchanged", cut)
                    .isInstanceOf(MalformedMessageException.class);
            assertThat(decode(withSize(raw.clone())))
                    .as("cut at %d, size field patched", cut)
                    .isInstanceOf(MalformedMessageException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void trailingBytesAreRejectedWithTheTag(Message m) {
        byte[] wire = bytes(MessageEncoder.encode(0x4321, m));
        byte[] longer = withSize(java.util.Arrays.copyOf(wire, wire.length + 1));
        Throwable t = decode(longer);
        assertThat(t).isInstanceOf(MalformedMessageException.class);
        MalformedMessageException e = (MalformedMessageException) t;
        assertThat(e.tag()).isEqualTo(0x4321);
        if (!(m instanceof RMessage.Rread) && !(m instanceof TMessage.Twrite) && !(m instanceof RMessage.Rreaddir)) {
            assertThat(e).hasMessageContaining("trailing");
        }
    }

    static ByteBuffer frame(int type, int tag) {
        ByteBuffer b = ByteBuffer.allocate(70000).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0).put((byte) type).putShort((short) tag);
        return b;
    }

    static byte[] finish(ByteBuffer b) {
        b.putInt(0, b.position());
        b.flip();
        return bytes(b);
    }

    static Stream<Arguments> handcrafted() {
        return Stream.of(
                Arguments.of("nwname 17", finish(walk(17, "a")), Errno.EINVAL),
                Arguments.of("nwname 65535 with no names", finish(walkHeader(0xffff)), Errno.EINVAL),
                Arguments.of("name with slash", finish(walk(1, "a/b")), Errno.ENOENT),
                Arguments.of("name with NUL", finish(walk(1, "a\0b")), Errno.ENOENT),
                Arguments.of("empty name", finish(walk(1, "")), Errno.ENOENT),
                Arguments.of("string length beyond frame", finish(stringLen(0xffff)), Errno.EPROTO),
                Arguments.of("Twrite count 2^32-1", finish(twrite(0xffffffff)), Errno.EPROTO),
                Arguments.of("unknown type 106 (Terror)", finish(frame(106, 1)), Errno.EOPNOTSUPP),
                Arguments.of("unknown type 255", finish(frame(255, 1)), Errno.EOPNOTSUPP),
                Arguments.of("Tlcreate name '.'-free but NUL", finish(lcreate("x\0")), Errno.ENOENT),
                Arguments.of("uname with NUL", finish(attach("ro\0ot")), Errno.EINVAL));
    }

    static ByteBuffer walkHeader(int n) {
        ByteBuffer b = frame(110, 9);
        b.putInt(1).putInt(2).putShort((short) n);
        return b;
    }

    static ByteBuffer walk(int n, String name) {
        ByteBuffer b = walkHeader(n);
        byte[] nb = Vectors.utf8(name);
        for (int i = 0; i < n; i++) {
            b.putShort((short) nb.length).put(nb);
        }
        return b;
    }

    static ByteBuffer stringLen(int len) {
        ByteBuffer b = frame(100, 0xffff);
        b.putInt(8192).putShort((short) len).put((byte) '9');
        return b;
    }

    static ByteBuffer twrite(int count) {
        ByteBuffer b = frame(118, 9);
        b.putInt(1).putLong(0).putInt(count).put(new byte[10]);
        return b;
    }

    static ByteBuffer lcreate(String name) {
        ByteBuffer b = frame(14, 9);
        byte[] nb = Vectors.utf8(name);
        b.putInt(1).putShort((short) nb.length).put(nb).putInt(0).putInt(0644).putInt(0);
        return b;
    }

    static ByteBuffer attach(String uname) {
        ByteBuffer b = frame(104, 9);
        byte[] nb = Vectors.utf8(uname);
        b.putInt(1)
                .putInt(-1)
                .putShort((short) nb.length)
                .put(nb)
                .putShort((short) 0)
                .putInt(-1);
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handcrafted")
    void handcraftedFramesAreRejectedWithTheirErrno(String what, byte[] frame, int errno) {
        Throwable t = decode(frame);
        assertThat(t).as(what).isInstanceOf(MalformedMessageException.class);
        MalformedMessageException e = (MalformedMessageException) t;
        assertThat(e.errno()).as(what + ": " + e.getMessage()).isEqualTo(errno);
        assertThat(e.hasTag()).isTrue();
    }

    @Test
    void frameLargerThanMsizeIsRejected() {
        ByteBuffer w = MessageEncoder.encode(1, new TMessage.Twrite(Fid.of(1), 0, Vectors.data(9000)));
        assertThatThrownBy(() -> MessageDecoder.decodeRequest(w, 8192))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("msize 8192");
    }

    @Test
    void replyTypeIsNotARequest() {
        ByteBuffer w = MessageEncoder.encode(1, new RMessage.Rclunk());
        assertThatThrownBy(() -> MessageDecoder.decodeRequest(w, MSIZE)).isInstanceOf(MalformedMessageException.class);
        ByteBuffer t = MessageEncoder.encode(1, new TMessage.Tclunk(Fid.of(1)));
        assertThatThrownBy(() -> MessageDecoder.decodeReply(t, MSIZE)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void streamDecoderRejectsImpossibleSizes() {
        FrameDecoder d = new FrameDecoder(8192);
        assertThatThrownBy(() -> d.feed(ByteBuffer.wrap(new byte[] {6, 0, 0, 0}), f -> {}))
                .isInstanceOf(MalformedMessageException.class);
        FrameDecoder d2 = new FrameDecoder(8192);
        assertThatThrownBy(() -> d2.feed(ByteBuffer.wrap(new byte[] {-1, -1, -1, -1}), f -> {}))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("4294967295");
    }

    @Test
    void randomMutationsNeverThrowAnythingElse() {
        Random rnd = new Random(20261202);
        byte[][] wires = Vectors.all().stream()
                .map(m -> bytes(MessageEncoder.encode(5, m)))
                .toArray(byte[][]::new);
        int rejected = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] f = wires[rnd.nextInt(wires.length)].clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                f[rnd.nextInt(f.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextBoolean()) {
                withSize(f);
            }
            Throwable t = decode(f);
            if (t != null) {
                assertThat(t).as("mutation %d", i).isInstanceOf(MalformedMessageException.class);
                rejected++;
            }
        }
        assertThat(rejected).as("most mutations are rejected").isGreaterThan(10_000);
    }
}

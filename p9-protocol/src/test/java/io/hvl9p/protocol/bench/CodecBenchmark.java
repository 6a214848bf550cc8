package io.hvl9p.protocol.bench;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and decode cost of the hot messages: Tgetattr/Rgetattr (metadata) and Twrite/Rread with
 * 64 KiB of data. {@code copy64k} is the raw limit for the data cases: one copy of 64 KiB into a
 * frame-sized buffer, which is what a transport must do anyway.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    static final int MSIZE = 1 << 20;

    TMessage.Tgetattr tgetattr;
    RMessage.Rgetattr rgetattr;
    TMessage.Twrite twrite;
    RMessage.Rread rread;
    ByteBuffer tgetattrWire;
    ByteBuffer rgetattrWire;
    ByteBuffer twriteWire;
    ByteBuffer rreadWire;
    ByteBuffer data;
    ByteBuffer out;

    @Setup
    public void setup() {
        data = ByteBuffer.allocate(65536);
        for (int i = 0; i < data.capacity(); i++) {
            data.put(i, (byte) i);
        }
        out = ByteBuffer.allocate(65536 + 64);
        tgetattr = new TMessage.Tgetattr(Fid.of(7), GetattrMask.ALL);
        rgetattr = new RMessage.Rgetattr(
                GetattrMask.BASIC,
                new Qid(0, 0, 123456),
                0100644,
                1000,
                1000,
                1,
                0,
                65536,
                131072,
                128,
                1,
                2,
                3,
                4,
                5,
                6,
                0,
                0,
                0,
                0);
        twrite = new TMessage.Twrite(Fid.of(7), 0, data);
        rread = new RMessage.Rread(data);
        tgetattrWire = MessageEncoder.encode(1, tgetattr);
        rgetattrWire = MessageEncoder.encode(1, rgetattr);
        twriteWire = MessageEncoder.encode(1, twrite);
        rreadWire = MessageEncoder.encode(1, rread);
    }

    @Benchmark
    public ByteBuffer encodeTgetattr() {
        return MessageEncoder.encode(1, tgetattr);
    }

    @Benchmark
    public Object decodeTgetattr() {
        return MessageDecoder.decodeRequest(tgetattrWire.duplicate(), MSIZE);
    }

    @Benchmark
    public ByteBuffer encodeRgetattr() {
        return MessageEncoder.encode(1, rgetattr);
    }

    @Benchmark
    public Object decodeRgetattr() {
        return MessageDecoder.decodeReply(rgetattrWire.duplicate(), MSIZE);
    }

    /** Twrite 64 KiB encoded and copied once into an output buffer (what a socket write does). */
    @Benchmark
    public ByteBuffer encodeTwrite64kIntoBuffer() {
        EncodedFrame f = MessageEncoder.encodeGather(1, twrite);
        out.clear();
        f.copyTo(out);
        return out;
    }

    @Benchmark
    public Object decodeTwrite64k() {
        return MessageDecoder.decodeRequest(twriteWire.duplicate(), MSIZE);
    }

    /** Rread 64 KiB encoded and copied once into an output buffer. */
    @Benchmark
    public ByteBuffer encodeRread64kIntoBuffer() {
        EncodedFrame f = MessageEncoder.encodeGather(1, rread);
        out.clear();
        f.copyTo(out);
        return out;
    }

    @Benchmark
    public Object decodeRread64k() {
        return MessageDecoder.decodeReply(rreadWire.duplicate(), MSIZE);
    }

    /** The raw limit: one 64 KiB copy. */
    @Benchmark
    public ByteBuffer copy64k() {
        out.clear();
        out.put(data.duplicate());
        return out;
    }
}

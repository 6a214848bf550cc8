package io.hvl9p.virtio9p;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.LockConstants;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Bulk data through shared memory: big messages, scattered replies, tiny descriptors, parallel requests. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DataPathTest {
    private static final int BIG_MSIZE = 512 * 1024;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Fid open(P9Client c, Fid root, String name, int flags) throws IOException {
        Fid f = c.newFid();
        c.call(new TMessage.Twalk(root, f, List.of(P9Name.of(name))), RMessage.Rwalk.class);
        c.call(new TMessage.Tlopen(f, flags), RMessage.Rlopen.class);
        return f;
    }

    /** Writes {@code data} in msize-sized Twrites and reads {@code host} back in msize-sized Treads. */
    private static void writeThenRead(ShmRig rig, P9Client c) throws IOException {
        assertThat(c.msize()).isEqualTo(BIG_MSIZE);
        int chunk = c.msize() - MiscConstants.IOHDRSZ;
        Fid root = rig.attach(c);
        byte[] data = random(3 * chunk + 12345, 1);
        Fid w = c.newFid();
        c.call(new TMessage.Twalk(root, w, List.of()), RMessage.Rwalk.class);
        c.call(
                new TMessage.Tlcreate(w, P9Name.of("big.out"), OpenFlags.WRONLY | OpenFlags.CREATE, 0644, 0),
                RMessage.Rlcreate.class);
        for (int off = 0; off < data.length; off += chunk) {
            int n = Math.min(chunk, data.length - off);
            int done = c.call(new TMessage.Twrite(w, off, ByteBuffer.wrap(data, off, n)), RMessage.Rwrite.class)
                    .count();
            assertThat(done).isEqualTo(n);
        }
        c.call(new TMessage.Tclunk(w), RMessage.Rclunk.class);
        assertThat(Files.readAllBytes(rig.export.resolve("big.out"))).isEqualTo(data);

        byte[] host = random(4 * chunk - 777, 2);
        Files.write(rig.export.resolve("big.in"), host);
        Fid r = open(c, root, "big.in", OpenFlags.RDONLY);
        ByteBuffer all = ByteBuffer.allocate(host.length + chunk);
        while (true) {
            ByteBuffer d = c.call(new TMessage.Tread(r, all.position(), chunk), RMessage.Rread.class)
                    .data();
            if (!d.hasRemaining()) {
                break;
            }
            assertThat(d.remaining()).isLessThanOrEqualTo(chunk);
            all.put(d);
        }
        assertThat(Arrays.copyOf(all.array(), all.position())).isEqualTo(host);
        c.call(new TMessage.Tclunk(r), RMessage.Rclunk.class);
        c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void largeSequentialWritesAndReadsAtMsize512KiB(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig =
                        ShmRig.start(ShmRig.Config.of(kind).withMemory(2L << 20).withMsize(BIG_MSIZE));
                P9Client c = rig.client()) {
            writeThenRead(rig, c);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void repliesScatteredOverHeaderAndPayloadDescriptorsLikeLinux(PoolLayout.Kind kind) throws IOException {
        FrontEnd.Options split = FrontEnd.Options.defaults().withReplyHeaderLen(11); // Rread: size type tag count
        try (ShmRig rig = ShmRig.start(ShmRig.Config.of(kind)
                        .withMemory(2L << 20)
                        .withMsize(BIG_MSIZE)
                        .withOptions(split));
                P9Client c = rig.client()) {
            writeThenRead(rig, c);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void replyScatteredOverManyUnevenDescriptors(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(kind);
                P9Client c = rig.client()) {
            byte[] host = random(5000, 3);
            Files.write(rig.export.resolve("f"), host);
            Fid root = rig.attach(c);
            Fid f = open(c, root, "f", OpenFlags.RDONLY);
            RawChains raw = new RawChains(rig);
            byte[] req = RawChains.encode(77, new TMessage.Tread(f, 100, 4000));
            RawChains.Chain back = raw.call(req, new int[] {3, 4, req.length - 7}, new int[] {1, 2, 3, 5, 8, 13, 4000});
            assertThat(back.len).isEqualTo(11 + 4000);
            var reply = back.decoded();
            assertThat(reply.tag()).isEqualTo(77);
            ByteBuffer d = ((RMessage.Rread) reply.message()).data();
            byte[] got = new byte[d.remaining()];
            d.get(got);
            assertThat(got).isEqualTo(Arrays.copyOfRange(host, 100, 4100));
            c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
            c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void oneByteDescriptorsForRequestsAndReplies(PoolLayout.Kind kind) throws IOException {
        FrontEnd.Options ones = FrontEnd.Options.defaults().withOneByteDescriptors(true);
        try (ShmRig rig = ShmRig.start(ShmRig.Config.of(kind).withQueueSize(256).withOptions(ones))) {
            byte[] host = random(300, 4);
            Files.write(rig.export.resolve("f"), host);
            OneByteSession s = new OneByteSession(rig);
            var v = s.call(new TMessage.Tversion(8192, P9String.of("9P2000.L")), 0xFFFF, 32);
            assertThat(((RMessage.Rversion) v).msize()).isEqualTo(8192);
            Fid root = Fid.of(1);
            Fid f = Fid.of(2);
            s.call(
                    new TMessage.Tattach(root, Fid.NOFID, P9String.of("root"), P9String.of("share"), -1),
                    RMessage.Rattach.class);
            s.call(new TMessage.Twalk(root, f, List.of(P9Name.of("f"))), RMessage.Rwalk.class);
            s.call(new TMessage.Tlopen(f, OpenFlags.RDWR), RMessage.Rlopen.class);
            ByteBuffer d =
                    s.call(new TMessage.Tread(f, 10, 150), RMessage.Rread.class).data();
            byte[] got = new byte[d.remaining()];
            d.get(got);
            assertThat(got).isEqualTo(Arrays.copyOfRange(host, 10, 160));
            byte[] patch = random(40, 5);
            s.call(new TMessage.Twrite(f, 200, ByteBuffer.wrap(patch)), RMessage.Rwrite.class);
            assertThat(Arrays.copyOfRange(Files.readAllBytes(rig.export.resolve("f")), 200, 240))
                    .isEqualTo(patch);
            s.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
            s.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
        }
    }

    /** Raw calls through {@code DriverQueue.call}, whose descriptors the options shatter into bytes. */
    private record OneByteSession(ShmRig rig) {
        RMessage call(TMessage m, int tag, int capacity) throws IOException {
            byte[] reply = rig.queue().call(RawChains.encode(tag, m), capacity, ShmRig.TIMEOUT.toNanos());
            return io.hvl9p.protocol.MessageDecoder.decodeReply(
                            ByteBuffer.wrap(reply).order(java.nio.ByteOrder.LITTLE_ENDIAN), 1 << 20)
                    .message();
        }

        <R extends RMessage> R call(TMessage m, Class<R> type) throws IOException {
            return type.cast(call(m, 1, 180));
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void manyRequestsInFlightFromSeveralThreadsCompleteOutOfOrder(PoolLayout.Kind kind) throws Exception {
        try (ShmRig rig = ShmRig.start(ShmRig.Config.of(kind).withDevices(2).withQueueSize(32));
                P9Client c = rig.client(0);
                P9Client holder = rig.client(1);
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            Path lockFile = Files.writeString(rig.export.resolve("lock"), "l");
            Fid hr = rig.attach(holder);
            Fid hl = open(holder, hr, "lock", OpenFlags.RDWR);
            assertThat(lock(holder, hl, LockConstants.TYPE_WRLCK, 0).get().status())
                    .isEqualTo(LockConstants.STATUS_SUCCESS);
            Fid root = rig.attach(c);
            Fid cl = open(c, root, "lock", OpenFlags.RDWR);
            // First in: a blocking lock that cannot complete until the holder lets go.
            CompletableFuture<RMessage.Rlock> blocked = lock(c, cl, LockConstants.TYPE_WRLCK, LockConstants.FLAG_BLOCK);

            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                byte[] content = random(64 * 1024, 100 + t);
                Files.write(rig.export.resolve("f" + t), content);
                jobs.add(pool.submit(() -> {
                    Fid f = open(c, root, "f" + id, OpenFlags.RDONLY);
                    Random rnd = new Random(id);
                    for (int i = 0; i < 40; i++) {
                        int off = rnd.nextInt(content.length - 3000);
                        ByteBuffer d = c.call(new TMessage.Tread(f, off, 3000), RMessage.Rread.class)
                                .data();
                        byte[] got = new byte[d.remaining()];
                        d.get(got);
                        assertThat(got).isEqualTo(Arrays.copyOfRange(content, off, off + 3000));
                    }
                    c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
                    return null;
                }));
            }
            for (Future<?> j : jobs) {
                j.get(60, TimeUnit.SECONDS);
            }
            assertThat(blocked).as("the lock sent first is still waiting").isNotDone();
            assertThat(lock(holder, hl, LockConstants.TYPE_UNLCK, 0).get().status())
                    .isEqualTo(LockConstants.STATUS_SUCCESS);
            assertThat(blocked.get(10, TimeUnit.SECONDS).status()).isEqualTo(LockConstants.STATUS_SUCCESS);
            assertThat(lockFile).exists();
            for (Fid f : List.of(cl, root)) {
                c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
            }
            for (Fid f : List.of(hl, hr)) {
                holder.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
            }
        }
    }

    private static CompletableFuture<RMessage.Rlock> lock(P9Client c, Fid f, int type, int flags) throws IOException {
        return c.send(new TMessage.Tlock(f, type, flags, 0, 0, 1, P9String.of("rig")))
                .thenApply(fr -> (RMessage.Rlock) fr.message());
    }

    @Test
    void msizeIsCappedByTheDeviceMemoryOfA24KiBBlock() throws IOException {
        try (ShmRig rig = ShmRig.start(
                ShmRig.Config.of(PoolLayout.Kind.DTB).withMemory(24 * 1024).withQueueSize(8))) {
            assertThat(rig.device().maxMsize()).isEqualTo(4096);
            try (P9Client c = rig.client(0, 4096, 1 << 20)) {
                assertThat(c.msize()).isEqualTo(4096);
                byte[] host = random(10_000, 6);
                Files.write(rig.export.resolve("f"), host);
                Fid root = rig.attach(c);
                Fid f = open(c, root, "f", OpenFlags.RDONLY);
                ByteBuffer d = c.call(new TMessage.Tread(f, 0, 1 << 20), RMessage.Rread.class)
                        .data();
                assertThat(d.remaining()).as("Rread clamped to msize - 11").isEqualTo(4096 - 11);
                byte[] got = new byte[d.remaining()];
                d.get(got);
                assertThat(got).isEqualTo(Arrays.copyOf(host, got.length));
                c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
                c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
            }
        }
    }

    /**
     * Regression: msizeFor counted the ring but not its 4 KiB alignment, so a 24 KiB block (device
     * memory 0x200 past a page boundary) was offered msize 8192, and a full-size Twrite then found
     * no room for its T- and R-buffer in the device memory.
     */
    @ParameterizedTest
    @CsvSource({"DTB, 24576", "DTB, 28672", "DTB, 36864", "PACKED, 24576", "PACKED, 28672", "PACKED, 36864"})
    void fullMsizeTwriteFitsInTheDeviceMemoryTheMsizeWasDerivedFrom(PoolLayout.Kind kind, long memory)
            throws IOException {
        try (ShmRig rig = ShmRig.start(ShmRig.Config.of(kind).withMemory(memory).withQueueSize(8));
                P9Client c = rig.client(0, 4096, 1 << 20)) {
            int msize = c.msize();
            assertThat(msize).isEqualTo(rig.device().maxMsize());
            Fid root = rig.attach(c);
            Fid f = c.newFid();
            c.call(new TMessage.Twalk(root, f, List.of()), RMessage.Rwalk.class);
            c.call(
                    new TMessage.Tlcreate(f, P9Name.of("full"), OpenFlags.WRONLY | OpenFlags.CREATE, 0644, 0),
                    RMessage.Rlcreate.class);
            byte[] data = random(msize - MiscConstants.IOHDRSZ, 7);
            assertThat(c.call(new TMessage.Twrite(f, 0, ByteBuffer.wrap(data)), RMessage.Rwrite.class)
                            .count())
                    .isEqualTo(data.length);
            assertThat(Files.readAllBytes(rig.export.resolve("full"))).isEqualTo(data);
            c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
            c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
        }
    }
}

package io.hvl9p.virtio9p;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.LockConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Chains a buggy or hostile runtime may send, specific to 9p. Each must come back (never twice,
 * never with another request's reply), the pool must keep running, and the session's other
 * requests must keep working.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileChainTest {
    /** The session under attack: a client with an open file, and raw chains on the same queue. */
    private record Victim(ShmRig rig, P9Client c, Fid root, Fid file, RawChains raw) {
        static Victim of(ShmRig rig) throws IOException {
            Files.writeString(rig.export.resolve("f"), "0123456789");
            P9Client c = rig.client();
            Fid root = rig.attach(c);
            Fid f = c.newFid();
            c.call(new TMessage.Twalk(root, f, List.of(P9Name.of("f"))), RMessage.Rwalk.class);
            c.call(new TMessage.Tlopen(f, OpenFlags.RDWR), RMessage.Rlopen.class);
            return new Victim(rig, c, root, f, new RawChains(rig));
        }

        /** The device, the pool and the session still work. */
        void stillWorks() throws IOException {
            assertThat(c.call(new TMessage.Tgetattr(file, GetattrMask.BASIC), RMessage.Rgetattr.class)
                            .size())
                    .isEqualTo(10);
            assertThat(ShmRig.await(() -> rig.device().inFlight() == 0, ShmRig.TIMEOUT))
                    .as("no chain left in the device")
                    .isTrue();
            assertThat(rig.controller().isRunning()).isTrue();
            assertThat(rig.controller().failure()).isNull();
            assertThat(rig.driver().status() & 0x40).as("DEVICE_NEEDS_RESET").isZero();
        }

        /** Other requests of the session work while {@code n} chains stay in the device. */
        void stillWorksExceptInFlight(int n) throws IOException {
            assertThat(c.call(new TMessage.Tgetattr(file, GetattrMask.BASIC), RMessage.Rgetattr.class)
                            .size())
                    .isEqualTo(10);
            assertThat(ShmRig.await(() -> rig.device().inFlight() == n, ShmRig.TIMEOUT))
                    .isTrue();
        }

        void done() throws IOException {
            stillWorks();
            c.call(new TMessage.Tclunk(file), RMessage.Rclunk.class);
            c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
        }
    }

    private static int errno(RawChains.Chain c) {
        return ((RMessage.Rlerror) c.decoded().message()).ecode();
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void readablePartShorterThanAHeader(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(kind)) {
            Victim v = Victim.of(rig);
            for (int n = 1; n < 7; n++) {
                byte[] req = new byte[n];
                req[0] = (byte) n;
                RawChains.Chain back = v.raw().call(req, new int[] {n}, new int[] {64});
                assertThat(back.len).as("%d readable bytes", n).isZero();
            }
            v.done();
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void sizeFieldLargerThanTheReadablePart(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(kind)) {
            Victim v = Victim.of(rig);
            Fid clone = v.c().newFid();
            v.c().call(new TMessage.Twalk(v.root(), clone, List.of()), RMessage.Rwalk.class);
            byte[] req = RawChains.encode(1000, new TMessage.Tclunk(clone));
            ByteBuffer.wrap(req).order(ByteOrder.LITTLE_ENDIAN).putInt(0, req.length + 100);
            RawChains.Chain back = v.raw().call(req, new int[] {req.length}, new int[] {64});
            if (back.len > 0) {
                assertThat(back.decoded().tag()).isEqualTo(1000);
                assertThat(back.decoded().message()).isInstanceOf(RMessage.Rlerror.class);
            }
            // the malformed Tclunk did nothing: the fid is still there
            v.c().call(new TMessage.Tclunk(clone), RMessage.Rclunk.class);
            // a size field of 0xffffffff, and one below the header size
            for (int size : new int[] {-1, 3}) {
                ByteBuffer.wrap(req).order(ByteOrder.LITTLE_ENDIAN).putInt(0, size);
                RawChains.Chain b = v.raw().call(req, new int[] {req.length}, new int[] {64});
                assertThat(b.len == 0 || b.decoded().message() instanceof RMessage.Rlerror)
                        .as("size %d", size)
                        .isTrue();
            }
            v.done();
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void tagReusedWhileTheFirstRequestIsInFlight(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(ShmRig.Config.of(kind).withDevices(2));
                P9Client holder = rig.client(1)) {
            Victim v = Victim.of(rig);
            Fid hr = rig.attach(holder);
            Fid hf = holder.newFid();
            holder.call(new TMessage.Twalk(hr, hf, List.of(P9Name.of("f"))), RMessage.Rwalk.class);
            holder.call(new TMessage.Tlopen(hf, OpenFlags.RDWR), RMessage.Rlopen.class);
            P9String id = P9String.of("rig");
            holder.call(new TMessage.Tlock(hf, LockConstants.TYPE_WRLCK, 0, 0, 0, 1, id), RMessage.Rlock.class);

            RawChains.Chain first = v.raw()
                    .submit(
                            RawChains.encode(
                                    1000,
                                    new TMessage.Tlock(
                                            v.file(), LockConstants.TYPE_WRLCK, LockConstants.FLAG_BLOCK, 0, 0, 2, id)),
                            64);
            assertThat(ShmRig.await(() -> rig.device().inFlight() == 1, ShmRig.TIMEOUT))
                    .isTrue();
            RawChains.Chain second =
                    v.raw().submit(RawChains.encode(1000, new TMessage.Tgetattr(v.file(), GetattrMask.BASIC)), 256);
            RawChains.Chain back = v.raw().next();
            assertThat(back).as("the duplicate comes back first, empty").isSameAs(second);
            assertThat(back.len).isZero();
            v.stillWorksExceptInFlight(1);

            holder.call(new TMessage.Tlock(hf, LockConstants.TYPE_UNLCK, 0, 0, 0, 1, id), RMessage.Rlock.class);
            RawChains.Chain lock = v.raw().next();
            assertThat(lock).isSameAs(first);
            assertThat(lock.decoded().tag()).isEqualTo(1000);
            assertThat(lock.decoded().message()).isEqualTo(new RMessage.Rlock(LockConstants.STATUS_SUCCESS));
            v.done();
            holder.call(new TMessage.Tclunk(hf), RMessage.Rclunk.class);
            holder.call(new TMessage.Tclunk(hr), RMessage.Rclunk.class);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void writablePartTooSmallForTheReply(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(kind)) {
            Victim v = Victim.of(rig);
            byte[] read = RawChains.encode(1001, new TMessage.Tread(v.file(), 0, 10));
            RawChains.Chain fits = v.raw().call(read, new int[] {read.length}, new int[] {5, 15}); // 20 < 21
            assertThat(fits.len).isEqualTo(11);
            assertThat(fits.decoded().tag()).isEqualTo(1001);
            assertThat(errno(fits)).isEqualTo(Errno.EMSGSIZE);
            RawChains.Chain tiny = v.raw().call(read, new int[] {read.length}, new int[] {10});
            assertThat(tiny.len).as("not even Rlerror fits").isZero();
            v.done();
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void chainWithNoWritablePart(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(kind)) {
            Victim v = Victim.of(rig);
            byte[] req = RawChains.encode(1002, new TMessage.Tgetattr(v.file(), GetattrMask.BASIC));
            RawChains.Chain back = v.raw().call(req, new int[] {3, req.length - 3}, new int[0]);
            assertThat(back.len).isZero();
            v.done();
        }
    }
}

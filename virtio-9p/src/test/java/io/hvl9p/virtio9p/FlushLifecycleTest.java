package io.hvl9p.virtio9p;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.LockConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.server.Connection;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tflush of a waiting request, and driver resets and re-initialisations in the middle of requests. */
@org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlushLifecycleTest {
    /** Device 1's session holds a write lock on "lock" for as long as the test needs. */
    private record Holder(P9Client c, Fid root, Fid file) {
        static Holder take(ShmRig rig) throws IOException {
            Files.writeString(rig.export.resolve("lock"), "l");
            P9Client c = rig.client(1);
            Fid root = rig.attach(c);
            Fid f = open(c, root, "lock");
            assertThat(lock(c, f, LockConstants.TYPE_WRLCK, 0).join().status()).isEqualTo(LockConstants.STATUS_SUCCESS);
            return new Holder(c, root, f);
        }

        void release() throws IOException {
            c.call(new TMessage.Tclunk(file), RMessage.Rclunk.class); // drops the lock
            c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
        }
    }

    /**
     * Lifecycle rigs wait for the QueuePFN ACK without OpenAMP's strictness: a completion interrupt
     * of the generation being torn down may still be on its way (the call that caused it returned
     * by spinning), and a strict front-end takes that stray interrupt for a missing ACK. That race
     * is the front-end's, not the device's; the strict sequence itself is tested in transport.
     */
    private static ShmRig.Config lifecycle(PoolLayout.Kind kind) {
        return ShmRig.Config.of(kind)
                .withOptions(
                        io.hvl9p.transport.driver.FrontEnd.Options.defaults().withStrictAck(false));
    }

    private static Fid open(P9Client c, Fid root, String name) throws IOException {
        Fid f = c.newFid();
        c.call(new TMessage.Twalk(root, f, List.of(P9Name.of(name))), RMessage.Rwalk.class);
        c.call(new TMessage.Tlopen(f, OpenFlags.RDWR), RMessage.Rlopen.class);
        return f;
    }

    private static CompletableFuture<RMessage.Rlock> lock(P9Client c, Fid f, int type, int flags) throws IOException {
        return c.send(new TMessage.Tlock(f, type, flags, 0, 0, 1, P9String.of("rig")))
                .thenApply(fr -> (RMessage.Rlock) fr.message());
    }

    private static TMessage.Tlock blockingLock(Fid f) {
        return new TMessage.Tlock(f, LockConstants.TYPE_WRLCK, LockConstants.FLAG_BLOCK, 0, 0, 2, P9String.of("rig"));
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void flushOfABlockedLockReturnsItsChainAndThenRflush(PoolLayout.Kind kind) throws IOException {
        try (ShmRig rig = ShmRig.start(ShmRig.Config.of(kind).withDevices(2));
                P9Client c = rig.client(0)) {
            Holder h = Holder.take(rig);
            Fid root = rig.attach(c);
            Fid f = open(c, root, "lock");
            RawChains raw = new RawChains(rig);
            RawChains.Chain locked = raw.submit(RawChains.encode(500, blockingLock(f)), 64);
            assertThat(ShmRig.await(() -> rig.device().inFlight() == 1, ShmRig.TIMEOUT))
                    .as("the lock waits in the device")
                    .isTrue();
            RawChains.Chain flush = raw.submit(RawChains.encode(501, new TMessage.Tflush(500)), 64);
            RawChains.Chain first = raw.next();
            RawChains.Chain second = first == locked ? raw.next() : first;
            if (first == flush) {
                first = raw.next();
                assertThat(first).isSameAs(locked);
                assertThat(first.len)
                        .as("a flushed request answered after its Rflush")
                        .isZero();
            } else if (locked.len > 0) {
                assertThat(locked.decoded().tag()).isEqualTo(500); // its reply, before the Rflush
            }
            assertThat(second).isSameAs(flush);
            assertThat(flush.decoded().tag()).isEqualTo(501);
            assertThat(flush.decoded().message()).isInstanceOf(RMessage.Rflush.class);
            assertThat(rig.device().inFlight()).isZero();
            h.release();
            // the session still works, and the fid is unlocked for it
            assertThat(lock(c, f, LockConstants.TYPE_WRLCK, 0).join().status()).isEqualTo(LockConstants.STATUS_SUCCESS);
            c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
            c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void driverResetInTheMiddleOfRequestsClosesTheSessionAndANewOneWorks(PoolLayout.Kind kind) throws Exception {
        try (ShmRig rig = ShmRig.start(lifecycle(kind).withDevices(2))) {
            Holder h = Holder.take(rig);
            P9Client old = rig.client(0);
            Fid root = rig.attach(old);
            Fid f = open(old, root, "lock");
            old.call(new TMessage.Twalk(root, old.newFid(), List.of()), RMessage.Rwalk.class); // a 3rd fid
            CompletableFuture<RMessage.Rlock> waiting =
                    lock(old, f, LockConstants.TYPE_WRLCK, LockConstants.FLAG_BLOCK);
            assertThat(ShmRig.await(() -> rig.device().inFlight() == 1, ShmRig.TIMEOUT))
                    .isTrue();
            // the holder's session has 2 fids, this one 3
            Connection session = rig.server.connections().stream()
                    .filter(x -> x.fidCount() == 3)
                    .findFirst()
                    .orElseThrow();

            rig.driver().reset();
            assertThat(ShmRig.await(session::isClosed, ShmRig.TIMEOUT)).isTrue();
            assertThat(ShmRig.await(() -> rig.server.connectionCount() == 1, ShmRig.TIMEOUT))
                    .as("only the holder's session is left")
                    .isTrue();
            assertThat(session.fidCount())
                    .as("fids of the reset session released")
                    .isZero();
            assertThat(waiting).failsWithin(ShmRig.TIMEOUT).withThrowableOfType(ExecutionException.class);
            old.close();

            rig.initialize();
            assertNewSessionWorks(rig);
            h.release();
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void reinitialisationWithoutResetClosesTheSessionAndANewOneWorks(PoolLayout.Kind kind) throws Exception {
        try (ShmRig rig = ShmRig.start(lifecycle(kind))) {
            P9Client old = rig.client();
            Fid root = rig.attach(old);
            Connection session = rig.server.connections().getFirst();
            assertThat(session.fidCount()).isEqualTo(1);

            rig.initialize(); // no Status = 0 first (OpenAMP after a reboot)
            assertThat(ShmRig.await(session::isClosed, ShmRig.TIMEOUT)).isTrue();
            assertThat(session.fidCount()).isZero();
            assertThat(ShmRig.await(() -> !rig.server.connections().contains(session), ShmRig.TIMEOUT))
                    .isTrue();
            old.close();
            assertNewSessionWorks(rig);
            assertThat(root).isNotNull();
        }
    }

    private static void assertNewSessionWorks(ShmRig rig) throws IOException {
        Files.writeString(rig.export.resolve("again"), "fresh");
        try (P9Client c = rig.client()) {
            Fid root = rig.attach(c);
            Fid f = c.newFid();
            c.call(new TMessage.Twalk(root, f, List.of(P9Name.of("again"))), RMessage.Rwalk.class);
            c.call(new TMessage.Tlopen(f, OpenFlags.RDONLY), RMessage.Rlopen.class);
            var d = c.call(new TMessage.Tread(f, 0, 100), RMessage.Rread.class).data();
            assertThat(java.nio.charset.StandardCharsets.UTF_8.decode(d).toString())
                    .isEqualTo("fresh");
            c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
            c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
        }
    }
}

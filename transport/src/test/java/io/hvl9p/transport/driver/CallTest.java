package io.hvl9p.transport.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.mmio.Regs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Requests through a ring to the echoing fake back-end. */
class CallTest {
    private static final long TIMEOUT = Duration.ofSeconds(10).toNanos();

    private static DriverQueue started(Rig rig, FrontEnd.Options options, int device, int size) throws Exception {
        rig.fake.start();
        DriverDevice dev = rig.attach(options).device(device);
        dev.initialize(new int[] {size}, 1);
        return dev.queue(0);
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void callEchoesAndFreesItsBuffers(PoolLayout.Kind kind) throws Exception {
        try (Rig rig = new Rig(kind)) {
            DriverQueue q = started(rig, Rig.fast(), 1, 8);
            DeviceMemory m = rig.fe.device(1).memory();
            int allocations = m.allocations();
            long free = m.freeBytes();
            for (int i = 0; i < 50; i++) {
                byte[] req = ("request " + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                assertThat(q.call(req, 64, TIMEOUT)).containsExactly(req);
            }
            assertThat(m.allocations()).isEqualTo(allocations);
            assertThat(m.freeBytes()).isEqualTo(free);
            assertThat(q.freeDescriptors()).isEqualTo(8);
            assertThat(rig.fake.chains).hasSize(50);
            assertThat(rig.fake.chains.getFirst().readableLens()).containsExactly(9L);
            assertThat(rig.fake.chains.getFirst().writableLens()).containsExactly(64L);
        }
    }

    @Test
    void buffersLieInTheDeviceMemoryOfTheDevice() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            DriverQueue q = started(rig, Rig.fast(), 1, 8);
            q.call(new byte[100], 200, TIMEOUT);
            DeviceMemory m = rig.fe.device(1).memory();
            FakeBackEnd.Chain c = rig.fake.chains.getFirst();
            assertThat(c.device()).isEqualTo(1);
            // the fake recorded lengths; check the addresses through the descriptor table
            long d0 = q.ringPa() + 16L * c.head();
            long t = rig.mem.readU64(d0);
            int next = rig.mem.readU16(d0 + 14);
            long r = rig.mem.readU64(q.ringPa() + 16L * next);
            assertThat(m.contains(t, 100)).isTrue();
            assertThat(m.contains(r, 200)).isTrue();
            assertThat(rig.fe.device(0).memory().contains(t, 1)).isFalse();
        }
    }

    @Test
    void concurrentCallsCompletedInReverseOrderGetTheirOwnReplies() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.PACKED);
                ExecutorService pool = Executors.newFixedThreadPool(4)) {
            rig.fake.holdUntil = 4; // complete nothing until 4 chains are in flight, then newest first
            DriverQueue q = started(rig, Rig.fast(), 1, 8);
            List<Future<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] req = new byte[10 + i];
                java.util.Arrays.fill(req, (byte) i);
                replies.add(pool.submit(() -> q.call(req, 32, TIMEOUT)));
            }
            for (int i = 0; i < 4; i++) {
                byte[] want = new byte[10 + i];
                java.util.Arrays.fill(want, (byte) i);
                assertThat(replies.get(i).get()).containsExactly(want);
            }
            assertThat(rig.fake.chains).hasSize(4);
            assertThat(q.freeDescriptors()).isEqualTo(8);
        }
    }

    @Test
    void oneByteDescriptorsShatterRequestAndReply() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            DriverQueue q = started(rig, Rig.fast().withOneByteDescriptors(true), 1, 64);
            byte[] req = "0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(q.call(req, 12, TIMEOUT)).containsExactly(req);
            FakeBackEnd.Chain c = rig.fake.chains.getFirst();
            assertThat(c.readableLens()).hasSize(10).containsOnly(1L);
            assertThat(c.writableLens()).hasSize(12).containsOnly(1L);
            assertThatThrownBy(() -> q.call(new byte[60], 10, TIMEOUT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("queue size");
        }
    }

    @Test
    void replyHeaderSplitGivesAHeaderAndAPayloadDescriptor() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            DriverQueue q = started(rig, Rig.fast().withReplyHeaderLen(7), 1, 8);
            byte[] req = new byte[20];
            new java.util.Random(1).nextBytes(req);
            assertThat(q.call(req, 100, TIMEOUT)).containsExactly(req);
            assertThat(rig.fake.chains.getFirst().writableLens()).containsExactly(7L, 93L);
        }
    }

    @Test
    void outOfDeviceMemoryIsAClearErrorAndLeaksNothing() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            DriverQueue q = started(rig, Rig.fast(), 1, 8);
            DeviceMemory m = rig.fe.device(1).memory();
            long free = m.freeBytes();
            assertThatThrownBy(() -> q.call(new byte[100], 0x5e00, TIMEOUT))
                    .isInstanceOf(OutOfDeviceMemoryException.class)
                    .hasMessageContaining("out of device memory");
            assertThat(m.freeBytes()).isEqualTo(free);
        }
    }

    @Test
    void noNotifyFromTheDeviceSkipsTheKickWhenHonoured() throws Exception {
        for (boolean honour : new boolean[] {true, false}) {
            try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
                DriverQueue q = started(rig, Rig.fast().withHonourNoNotify(honour), 1, 8);
                rig.fake.serveRings = false;
                rig.mem.writeU16Release(q.usedRingPa(), Regs.VRING_USED_F_NO_NOTIFY);
                long n = q.notifications();
                q.submit(List.of(new Segment(rig.fe.device(1).shmBase(), 4)), List.of(), "t");
                assertThat(q.notifications() - n).isEqualTo(honour ? 0 : 1);
                assertThat(q.suppressedNotifications()).isEqualTo(honour ? 1 : 0);
            }
        }
    }

    @Test
    void noInterruptIsSetWhileSpinningAndClearedBeforeSleeping() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB);
                ExecutorService pool = Executors.newSingleThreadExecutor()) {
            DriverQueue q =
                    started(rig, Rig.fast().withSpinNanos(Duration.ofSeconds(30).toNanos()), 1, 8);
            rig.fake.serveRings = false;
            int head = q.submit(List.of(new Segment(rig.fe.device(1).shmBase(), 4)), List.of(), "token");
            Future<Used> taken = pool.submit(() -> q.take(TIMEOUT));
            Rig.poll(() -> rig.mem.readU16Acquire(q.availRingPa()) == Regs.VRING_AVAIL_F_NO_INTERRUPT, "NO_INTERRUPT");
            rig.mem.writeU32(q.usedRingPa() + 4, head);
            rig.mem.writeU32(q.usedRingPa() + 8, 0);
            rig.mem.writeU16Release(q.usedRingPa() + 2, 1);
            assertThat(taken.get()).isEqualTo(new Used(head, "token", 0));
            assertThat(rig.mem.readU16Acquire(q.availRingPa())).isZero();
        }
    }

    @Test
    void takeAndTryTakeReturnNullWhenNothingCompletes() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            DriverQueue q = started(rig, Rig.fast(), 1, 8);
            rig.fake.serveRings = false;
            q.submit(List.of(new Segment(rig.fe.device(1).shmBase(), 4)), List.of(), "t");
            assertThat(q.tryTake()).isNull();
            assertThat(q.take(Duration.ofMillis(50).toNanos())).isNull();
            assertThatThrownBy(
                            () -> q.call(new byte[4], 4, Duration.ofMillis(50).toNanos()))
                    .isInstanceOf(DeviceTimeoutException.class);
        }
    }

    @Test
    void takeAndCallbackDeliverPlainSubmits() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.PACKED)) {
            DriverQueue q = started(rig, Rig.fast().withSpinNanos(0), 0, 4);
            long pa = rig.fe.device(0).memory().alloc(8).pa();
            int head = q.submit(List.of(new Segment(pa, 4)), List.of(new Segment(pa + 4, 4)), "first");
            assertThat(q.take(TIMEOUT)).isEqualTo(new Used(head, "first", 4));
            List<Used> seen = Collections.synchronizedList(new ArrayList<>());
            q.onUsed(seen::add);
            q.submit(List.of(new Segment(pa, 4)), List.of(new Segment(pa + 4, 4)), "second");
            Rig.poll(() -> seen.size() == 1, "the callback");
            assertThat(seen.getFirst().token()).isEqualTo("second");
        }
    }
}

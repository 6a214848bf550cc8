package io.hvl9p.transport.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.mmio.Regs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The front-end sequence of hvl-transport.md section 3 / 3a, observed at every kick. */
class InitializeSequenceTest {
    /** The registers at the moment of one kick. */
    record Kick(
            int status,
            int pageSize,
            int featuresSel,
            int guestFeatures,
            int sel,
            int num,
            int align,
            int pfn,
            int queueNotify) {}

    private static Kick snapshot(Rig rig, long h) {
        return new Kick(
                rig.mem.readU32Acquire(h + Regs.STATUS),
                rig.mem.readU32Acquire(h + Regs.GUEST_PAGE_SIZE),
                rig.mem.readU32Acquire(h + Regs.HOST_FEATURES_SEL),
                rig.mem.readU32Acquire(h + Regs.GUEST_FEATURES),
                rig.mem.readU32Acquire(h + Regs.QUEUE_SEL),
                rig.mem.readU32Acquire(h + Regs.QUEUE_NUM),
                rig.mem.readU32Acquire(h + Regs.QUEUE_ALIGN),
                rig.mem.readU32Acquire(h + Regs.QUEUE_PFN),
                rig.mem.readU32Acquire(h + Regs.QUEUE_NOTIFY));
    }

    @ParameterizedTest
    @EnumSource(FrontEnd.StatusMode.class)
    void kicksSeeExactlyTheOpenAmpSequence(FrontEnd.StatusMode mode) throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            long h = rig.layout.device(0).headerPa();
            // Poison what the driver must write, so each write is visible at the next kick.
            rig.mem.writeU32Release(h + Regs.GUEST_PAGE_SIZE, 0);
            rig.mem.writeU32Release(h + Regs.QUEUE_ALIGN, 0);
            rig.mem.writeU32Release(h + Regs.HOST_FEATURES_SEL, 0x55);
            rig.mem.writeU32Release(h + Regs.QUEUE_NOTIFY, -1);
            List<Kick> kicks = Collections.synchronizedList(new ArrayList<>());
            rig.fake.synchronous(rig.bell, () -> kicks.add(snapshot(rig, h)));
            FrontEnd fe = rig.attach(Rig.fast().withStatusMode(mode));
            DriverDevice dev = fe.device(0);

            dev.initialize(new int[] {4, 8}, 0xFF);

            int pfn0 = (int) (dev.queue(0).ringPa() / 4096);
            int pfn1 = (int) (dev.queue(1).ringPa() / 4096);
            int[] st = mode == FrontEnd.StatusMode.PLAIN ? new int[] {1, 2, 4} : new int[] {1, 3, 7};
            int f = FakeBackEnd.HOST_FEATURES;
            assertThat(kicks)
                    .containsExactly(
                            new Kick(st[0], 0, 0x55, 0, 0, 0, 0, 0, -1), // ACKNOWLEDGE
                            new Kick(st[1], 4096, 0x55, 0, 0, 0, 0, 0, -1), // GuestPageSize without a kick, DRIVER
                            new Kick(st[1], 4096, 0, f, 0, 0, 0, 0, -1), // HostFeaturesSel 0, GuestFeatures
                            new Kick(st[1], 4096, 0, f, 0, 4, 4096, pfn0, -1), // queue 0
                            // queue 1: queue 0's PFN was written back over the ACK without a kick
                            new Kick(st[1], 4096, 0, f, 1, 8, 4096, pfn1, -1),
                            new Kick(st[2], 4096, 0, f, 1, 8, 4096, pfn1, -1), // DRIVER_OK, PFN written back
                            new Kick(st[2], 4096, 0, f, 1, 8, 4096, pfn1, 0), // QueueNotify 0
                            new Kick(st[2], 4096, 0, f, 1, 8, 4096, pfn1, 1)); // QueueNotify 1
            assertThat(dev.status()).isEqualTo(st[2]);
            assertThat(dev.negotiatedFeatures()).isEqualTo(f);
            assertThat(rig.fake.acks).isEqualTo(2);
            assertThat(rig.fake.queue(0, 0).descTable()).isEqualTo(dev.queue(0).ringPa());
            assertThat(rig.fake.queue(0, 1).descTable()).isEqualTo(dev.queue(1).ringPa());
            assertThat(rig.fake.errors).isEmpty();
        }
    }

    @Test
    void ringsAreFourKibAlignedZeroedAndInsideTheDeviceMemory() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            rig.mem.copyIn(rig.layout.device(1).memoryPa(), new byte[0x3000], 0, 0);
            byte[] junk = new byte[0x5e00];
            java.util.Arrays.fill(junk, (byte) 0x5A);
            rig.mem.copyIn(rig.layout.device(1).memoryPa(), junk, 0, junk.length);
            rig.fake.start();
            DriverDevice dev = rig.attach(Rig.fast()).device(1);
            dev.initialize(new int[] {16}, 1);
            DriverQueue q = dev.queue(0);
            assertThat(q.ringPa() % 4096).isZero();
            assertThat(dev.memory().contains(q.ringPa(), io.hvl9p.transport.virtq.SplitQueue.legacyBytes(16, 4096)))
                    .isTrue();
            assertThat(dev.shmBase()).isEqualTo(rig.layout.device(1).memoryPa());
            assertThat(dev.shmLen()).isEqualTo(0x5e00);
            // zeroed: avail idx, used idx and flags
            assertThat(rig.mem.readU16(q.availRingPa() + 2)).isZero();
            assertThat(rig.mem.readU16(q.usedRingPa())).isZero();
            assertThat(rig.mem.readU32(rig.layout.device(1).headerPa() + Regs.QUEUE_PFN))
                    .isEqualTo((int) (q.ringPa() / 4096));
        }
    }

    @Test
    void noAckTimesOutNamingDeviceAndQueueAndFreesTheRing() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            rig.fake.ack = FakeBackEnd.Ack.NEVER;
            rig.fake.start();
            DriverDevice dev = rig.attach(Rig.fast().withAckTimeout(Duration.ofMillis(150)))
                    .device(1);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> dev.initialize(new int[] {4}, 0))
                    .isInstanceOf(DeviceTimeoutException.class)
                    .hasMessageContaining("device 1")
                    .hasMessageContaining("queue 0")
                    .hasMessageContaining("0xAABBAABB");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            assertThat(dev.memory().allocations()).isZero();
            assertThat(dev.queues()).isEmpty();
        }
    }

    @Test
    void anExtraInterruptFailsTheNextQueueLikeOpenAmp() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            rig.fake.synchronous(rig.bell, () -> {});
            rig.fake.ackLimit = 1; // queue 1 is never acknowledged: only the stray interrupt can wake it
            FrontEnd fe = rig.attach(Rig.fast());
            DriverDevice dev = fe.device(0);
            rig.fake.afterAck = () -> {
                // one extra interrupt, delivered after the ACK's own (so the two do not coalesce)
                Rig.poll(() -> dev.handlerRuns() >= 1, "the ACK interrupt handled");
                try {
                    rig.bell.device().interrupt();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                Rig.poll(() -> dev.handlerRuns() >= 2, "the extra interrupt handled");
            };
            assertThatThrownBy(() -> dev.initialize(new int[] {4, 4}, 0))
                    .isInstanceOf(DeviceException.class)
                    .isNotInstanceOf(DeviceTimeoutException.class)
                    .hasMessageContaining("queue 1")
                    .hasMessageContaining("not the ACK");
            assertThat(dev.memory().allocations()).isZero();
        }
    }

    @Test
    void anInterruptBeforeTheAckFailsWhenStrictAndWaitsWhenNot() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            rig.fake.ack = FakeBackEnd.Ack.INTERRUPT_BEFORE_ACK;
            rig.fake.synchronous(rig.bell, () -> {});
            DriverDevice dev = rig.attach(Rig.fast()).device(0);
            assertThatThrownBy(() -> dev.initialize(new int[] {4}, 0))
                    .isInstanceOf(DeviceException.class)
                    .isNotInstanceOf(DeviceTimeoutException.class)
                    .hasMessageContaining("not the ACK");
        }
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            rig.fake.ack = FakeBackEnd.Ack.INTERRUPT_BEFORE_ACK;
            rig.fake.synchronous(rig.bell, () -> {});
            DriverDevice dev = rig.attach(Rig.fast().withStrictAck(false).withAckTimeout(Duration.ofMillis(100)))
                    .device(0);
            assertThatThrownBy(() -> dev.initialize(new int[] {4}, 0)).isInstanceOf(DeviceTimeoutException.class);
        }
    }

    @Test
    void sizeAboveQueueNumMaxIsRefused() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            rig.fake.start();
            DriverDevice dev = rig.attach(Rig.fast()).device(0);
            assertThatThrownBy(() -> dev.initialize(new int[] {FakeBackEnd.QUEUE_NUM_MAX * 2}, 0))
                    .isInstanceOf(DeviceException.class)
                    .hasMessageContaining("QueueNumMax");
            assertThatThrownBy(() -> dev.initialize(new int[] {3}, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void resetWritesStatusZeroKicksAndFreesTheRings() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.PACKED)) {
            rig.fake.start();
            FrontEnd fe = rig.attach(Rig.fast());
            DriverDevice dev = fe.device(1);
            long free = dev.memory().freeBytes();
            dev.initialize(new int[] {8}, 1);
            assertThat(dev.memory().freeBytes()).isLessThan(free);
            long kicks = rig.bell.kicks.get();
            dev.reset();
            assertThat(dev.status()).isZero();
            assertThat(rig.bell.kicks.get()).isGreaterThan(kicks);
            assertThat(dev.queues()).isEmpty();
            assertThat(dev.memory().freeBytes()).isEqualTo(free);
            // the fake has no quiet-period rule: if its pass coalesced Status 0 away, the same PFN
            // written again would never be acknowledged; it clears QueuePFN once it saw the 0
            Rig.poll(() -> dev.registers().readReg(Regs.QUEUE_PFN) == 0, "the fake back-end to see Status 0");
            // and it can be initialised again (the fake forgot the queue on Status 0)
            dev.initialize(new int[] {8}, 1);
            assertThat(dev.queue(0)
                            .call(new byte[] {1, 2, 3}, 8, Duration.ofSeconds(5).toNanos()))
                    .containsExactly(1, 2, 3);
        }
    }
}

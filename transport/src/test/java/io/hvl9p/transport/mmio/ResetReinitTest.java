package io.hvl9p.transport.mmio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.driver.DeviceException;
import io.hvl9p.transport.driver.DriverDevice;
import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.layout.PoolLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Reset (Status = 0), re-initialisation with and without reset, the pool reset (3a.2, 3a.5, 4.3). */
@Timeout(60)
class ResetReinitTest {
    private static List<Future<byte[]>> callsInFlight(ExecutorService pool, DriverQueue q, int n) {
        List<Future<byte[]>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] req = ("held " + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            out.add(pool.submit(() -> q.call(req, 64, HvlRig.LONG)));
        }
        return out;
    }

    private static void assertAllFail(List<Future<byte[]>> calls) {
        for (Future<byte[]> f : calls) {
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(DeviceException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void resetWhileTheDeviceHoldsRequestsNeverCompletesThemIntoTheNewRings(PoolLayout.Kind kind) throws Exception {
        try (HvlRig rig = new HvlRig();
                ExecutorService pool = Executors.newFixedThreadPool(3)) {
            EchoDevice echo = EchoDevice.oneQueue();
            echo.mode = EchoDevice.Mode.HOLD;
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), echo);
            rt.attach(HvlRig.lenient());
            DriverDevice dev = rt.started(0, 8);
            long oldRing = dev.queue(0).ringPa();
            List<Future<byte[]>> calls = callsInFlight(pool, dev.queue(0), 3);
            HvlRig.await(() -> echo.heldCount() == 3, "3 chains held by the device");

            dev.reset();
            assertAllFail(calls);
            rt.await(0, s -> s.resets() == 1 && !s.running(), "reset seen");
            assertThat(echo.stops.get()).isEqualTo(1);

            echo.mode = EchoDevice.Mode.SYNC;
            dev.initialize(new int[] {8}, 1);
            DriverQueue q = dev.queue(0);
            assertThat(q.ringPa()).as("the new ring reuses the old memory").isEqualTo(oldRing);
            HvlRig.echoes(q, 10);
            // the old generation's chains, completed late: no-ops, the new ring is untouched
            assertThat(echo.release()).isZero();
            assertThat(echo.ignored.get()).isEqualTo(3);
            assertThat(HvlRig.usedIdx(rt.mem, q)).isEqualTo(10);
            HvlRig.echoes(q, 10);
            DeviceState s = rt.state(0);
            assertThat(s.generation()).isEqualTo(2);
            assertThat(s.needsReset()).isFalse();
        }
    }

    static Stream<Arguments> layoutsAndStatusModes() {
        return Stream.of(PoolLayout.Kind.values())
                .flatMap(k -> Stream.of(FrontEnd.StatusMode.values()).map(m -> Arguments.of(k, m)));
    }

    @ParameterizedTest
    @MethodSource("layoutsAndStatusModes")
    void reinitialisationAfterReset(PoolLayout.Kind kind, FrontEnd.StatusMode mode) throws Exception {
        try (HvlRig rig = new HvlRig()) {
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), EchoDevice.twoQueues());
            rt.attach(HvlRig.lenient().withStatusMode(mode));
            DriverDevice dev = rt.started(0, 4, 8);
            for (int round = 0; round < 20; round++) {
                HvlRig.echoes(dev.queue(1), 3);
                dev.reset();
                dev.initialize(new int[] {4, 8}, 1);
            }
            HvlRig.echoes(dev.queue(0), 3);
            HvlRig.echoes(dev.queue(1), 3);
            DeviceState s = rt.await(0, x -> x.generation() == 21, "21 generations");
            assertThat(s.acks()).isEqualTo(42);
            assertThat(s.needsResets()).isZero();
            assertThat(s.resets() + s.reinits())
                    .as("every reset seen, as a reset or a re-init")
                    .isEqualTo(20);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void reinitialisationWithoutResetOfATwoQueueDevice(PoolLayout.Kind kind) throws Exception {
        try (HvlRig rig = new HvlRig()) {
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), EchoDevice.twoQueues());
            rt.attach(HvlRig.lenient());
            DriverDevice dev = rt.started(0, 8, 8);
            HvlRig.echoes(dev.queue(0), 5);
            long start = System.nanoTime();
            dev.initialize(new int[] {8, 8}, 1); // PLAIN: Status goes 4 -> 1 -> 2 (3a.2)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            HvlRig.echoes(dev.queue(0), 5);
            HvlRig.echoes(dev.queue(1), 5);
            DeviceState s = rt.state(0);
            assertThat(s.reinits()).isEqualTo(1);
            assertThat(s.acks()).isEqualTo(4);
            assertThat(s.generation()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void reinitialisationWithoutResetOnTheSamePfnIsAcknowledgedAfterTheQuietPeriod(PoolLayout.Kind kind)
            throws Exception {
        try (HvlRig rig = new HvlRig()) {
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), EchoDevice.oneQueue());
            rt.attach(HvlRig.lenient().withAckTimeout(Duration.ofSeconds(2)));
            DriverDevice dev = rt.started(0, 8);
            long ring = dev.queue(0).ringPa();
            HvlRig.echoes(dev.queue(0), 5);
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                dev.initialize(new int[] {8}, 1);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(dev.queue(0).ringPa())
                        .as("the ABA case: the same PFN again")
                        .isEqualTo(ring);
                assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(20)).isLessThan(Duration.ofSeconds(1));
                HvlRig.echoes(dev.queue(0), 5);
            }
            DeviceState s = rt.state(0);
            assertThat(s.reinits()).isEqualTo(3);
            assertThat(s.acks()).isEqualTo(4);
            assertThat(s.running()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void statusGoingBackwardsWithRequestsInFlightIsAReinitialisation(PoolLayout.Kind kind) throws Exception {
        try (HvlRig rig = new HvlRig();
                ExecutorService pool = Executors.newFixedThreadPool(2)) {
            EchoDevice echo = EchoDevice.oneQueue();
            echo.mode = EchoDevice.Mode.HOLD;
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), echo);
            rt.attach(HvlRig.lenient());
            DriverDevice dev = rt.started(0, 8);
            List<Future<byte[]>> calls = callsInFlight(pool, dev.queue(0), 2);
            HvlRig.await(() -> echo.heldCount() == 2, "2 chains held");
            echo.mode = EchoDevice.Mode.SYNC;
            dev.initialize(new int[] {8}, 1);
            assertAllFail(calls);
            HvlRig.echoes(dev.queue(0), 10);
            assertThat(echo.release()).isZero();
            HvlRig.echoes(dev.queue(0), 10);
            DeviceState s = rt.state(0);
            assertThat(s.reinits()).isEqualTo(1);
            assertThat(s.resets()).isZero();
            assertThat(echo.stops.get()).isEqualTo(1);
            assertThat(HvlRig.usedIdx(rt.mem, dev.queue(0))).isEqualTo(20);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void resetDevicesThenReinitialise(PoolLayout.Kind kind) throws Exception {
        try (HvlRig rig = new HvlRig()) {
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), EchoDevice.oneQueue(), EchoDevice.twoQueues());
            rt.attach(HvlRig.lenient());
            DriverDevice one = rt.started(0, 8);
            DriverDevice two = rt.started(1, 4, 4);
            HvlRig.echoes(one.queue(0), 5);
            rt.controller.resetDevices();
            for (int i = 0; i < 2; i++) {
                DeviceState s = rt.state(i);
                assertThat(s.running()).isFalse();
                assertThat(s.queuesConfigured()).isZero();
                assertThat(s.status()).isZero();
                DriverDevice d = rt.fe.device(i);
                assertThat(d.status()).isZero();
                assertThat(d.registers().readReg(Regs.QUEUE_PFN)).isZero();
                assertThat(d.registers().readReg(Regs.MAGIC_VALUE)).isEqualTo(Regs.MAGIC);
            }
            one.initialize(new int[] {8}, 1);
            two.initialize(new int[] {4, 4}, 1);
            HvlRig.echoes(one.queue(0), 5);
            HvlRig.echoes(two.queue(1), 5);
            assertThat(rt.state(0).generation()).isEqualTo(2);
            assertThat(rt.state(1).generation()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void backToBackResetsWhileTheControllerPollsNeitherBreakTheDeviceNorLoseRegisterWritesNorAckAStalePfn(
            PoolLayout.Kind kind) throws Exception {
        try (HvlRig rig = new HvlRig()) {
            HvlRig.Runtime rt =
                    rig.runtime("a", kind, HvlRig.options().withPollTime(Duration.ofMillis(5)), EchoDevice.oneQueue());
            rt.attach(HvlRig.lenient());
            DriverDevice dev = rt.started(0, 8);
            for (int round = 0; round < 100; round++) {
                HvlRig.echoes(dev.queue(0), 1);
                dev.reset();
                try {
                    dev.initialize(new int[] {8}, 1);
                } catch (java.io.IOException e) {
                    throw new AssertionError(
                            "round " + round + ": " + rt.state(0) + " status reg " + dev.status() + " sel "
                                    + dev.registers().readReg(Regs.QUEUE_SEL) + " num "
                                    + dev.registers().readReg(Regs.QUEUE_NUM),
                            e);
                }
            }
            HvlRig.echoes(dev.queue(0), 5);
            assertThat(rt.state(0).needsResets()).isZero();
        }
    }
}

package io.hvl9p.transport.mmio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.driver.DeviceMemory;
import io.hvl9p.transport.driver.DriverDevice;
import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.driver.OutOfDeviceMemoryException;
import io.hvl9p.transport.layout.DeviceSpec;
import io.hvl9p.transport.layout.PoolLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The real controller and the real front-end agree: set-up and calls in both layouts. */
@Timeout(60)
class HappyPathTest {
    static Stream<Arguments> layoutsAndStatusModes() {
        return Stream.of(PoolLayout.Kind.values())
                .flatMap(k -> Stream.of(FrontEnd.StatusMode.values()).map(m -> Arguments.of(k, m)));
    }

    @ParameterizedTest
    @MethodSource("layoutsAndStatusModes")
    void initialiseAndManyEchoCalls(PoolLayout.Kind kind, FrontEnd.StatusMode mode) throws Exception {
        try (HvlRig rig = new HvlRig()) {
            EchoDevice echo = EchoDevice.oneQueue();
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), echo);
            rt.attach(HvlRig.frontEnd().withStatusMode(mode));
            DriverDevice dev = rt.started(0, 8);
            HvlRig.echoes(dev.queue(0), 500);

            DeviceState s = rt.state(0);
            assertThat(s.running()).isTrue();
            assertThat(s.needsReset()).isFalse();
            assertThat(s.acks()).isEqualTo(1);
            assertThat(s.generation()).isEqualTo(1);
            assertThat(s.queuesConfigured()).isEqualTo(1);
            assertThat(s.resets() + s.reinits() + s.needsResets()).isZero();
            int driverOk = mode == FrontEnd.StatusMode.PLAIN ? Regs.S_DRIVER_OK : 0x7;
            assertThat(s.status()).isEqualTo(driverOk);
            assertThat(dev.status()).isEqualTo(driverOk);
            assertThat(dev.negotiatedFeatures()).isEqualTo(1);
            assertThat(echo.completed.get()).isEqualTo(500);
            assertThat(echo.starts.get()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void twoQueueDeviceSetsUpBothQueuesInOrder(PoolLayout.Kind kind) throws Exception {
        try (HvlRig rig = new HvlRig()) {
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), EchoDevice.oneQueue(), EchoDevice.twoQueues());
            DriverDevice two = rt.started(1, 4, 8);
            DriverDevice one = rt.started(0, 16);
            HvlRig.echoes(two.queue(0), 50);
            HvlRig.echoes(two.queue(1), 50);
            HvlRig.echoes(one.queue(0), 50);
            DeviceState s = rt.state(1);
            assertThat(s.running()).isTrue();
            assertThat(s.acks()).isEqualTo(2);
            assertThat(s.queuesConfigured()).isEqualTo(2);
            assertThat(two.queue(0).size()).isEqualTo(4);
            assertThat(rt.state(0).acks()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void concurrentCallsCompletedOutOfOrderFromAnotherThread(PoolLayout.Kind kind) throws Exception {
        try (HvlRig rig = new HvlRig();
                ExecutorService pool = Executors.newFixedThreadPool(4)) {
            EchoDevice echo = EchoDevice.oneQueue();
            echo.mode = EchoDevice.Mode.REVERSE;
            echo.batch = 4;
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), echo);
            DriverQueue q = rt.started(0, 16).queue(0);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        byte[] req = new byte[1 + (i * 7 + thread) % 200];
                        Arrays.fill(req, (byte) (thread * 100 + i));
                        assertThat(q.call(req, 256, HvlRig.LONG)).containsExactly(req);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            assertThat(echo.completed.get()).isEqualTo(400);
            assertThat(echo.outOfOrder.get()).isEqualTo(300);
            assertThat(q.freeDescriptors()).isEqualTo(16);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void oneByteDescriptors(PoolLayout.Kind kind) throws Exception {
        try (HvlRig rig = new HvlRig()) {
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), EchoDevice.oneQueue());
            rt.attach(HvlRig.frontEnd().withOneByteDescriptors(true));
            DriverQueue q = rt.started(0, 128).queue(0);
            for (int len = 1; len <= 60; len++) {
                byte[] req = new byte[len];
                Arrays.fill(req, (byte) len);
                assertThat(q.call(req, len, HvlRig.LONG)).containsExactly(req);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void replyScatteredOverSplitDescriptors(PoolLayout.Kind kind) throws Exception {
        try (HvlRig rig = new HvlRig()) {
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options(), EchoDevice.oneQueue());
            rt.attach(HvlRig.frontEnd().withReplyHeaderLen(7));
            DriverQueue q = rt.started(0, 8).queue(0);
            for (int len = 1; len <= 300; len += 13) {
                byte[] req = new byte[len];
                Arrays.fill(req, (byte) (len + 1));
                assertThat(q.call(req, len + 7, HvlRig.LONG)).containsExactly(req);
            }
        }
    }

    @Test
    void smallDeviceMemory() throws Exception {
        try (HvlRig rig = new HvlRig()) {
            // a 12 KiB block: the ring takes its second page, little is left for buffers
            HvlRig.Runtime rt = rig.runtime(
                    "a",
                    PoolLayout.Kind.DTB,
                    List.of(new DeviceSpec(9, 0x2e00), new DeviceSpec(3, HvlRig.BLOCK_MEMORY)),
                    HvlRig.options(),
                    EchoDevice.oneQueue(),
                    EchoDevice.twoQueues());
            DriverDevice dev = rt.started(0, 8);
            DeviceMemory m = dev.memory();
            assertThat(m.length()).isEqualTo(0x2e00);
            DriverQueue q = dev.queue(0);
            for (int i = 0; i < 100; i++) {
                byte[] req = new byte[1000];
                Arrays.fill(req, (byte) i);
                assertThat(q.call(req, 1000, HvlRig.LONG)).containsExactly(req);
            }
            assertThatThrownBy(() -> q.call(new byte[8000], 8000, HvlRig.LONG))
                    .isInstanceOf(OutOfDeviceMemoryException.class);
            HvlRig.echoes(q, 20);
            HvlRig.echoes(rt.started(1, 4, 4).queue(1), 20);
        }
    }

    static Stream<Arguments> layoutsAndPollTimes() {
        return Stream.of(PoolLayout.Kind.values())
                .flatMap(k -> Stream.of(Duration.ZERO, Duration.ofNanos(50_000)).map(p -> Arguments.of(k, p)));
    }

    @ParameterizedTest
    @MethodSource("layoutsAndPollTimes")
    void pollingOnAndOff(PoolLayout.Kind kind, Duration pollTime) throws Exception {
        try (HvlRig rig = new HvlRig()) {
            HvlRig.Runtime rt = rig.runtime("a", kind, HvlRig.options().withPollTime(pollTime), EchoDevice.oneQueue());
            DriverQueue q = rt.started(0, 8).queue(0);
            HvlRig.echoes(q, 300);
            if (pollTime.isZero()) {
                assertThat(q.suppressedNotifications()).isZero();
                assertThat(q.notifications()).isGreaterThanOrEqualTo(300);
            } else {
                // NO_NOTIFY is set while the controller polls; a driver that honours it skips kicks
                long deadline = System.nanoTime() + HvlRig.LONG;
                while (q.suppressedNotifications() == 0 && System.nanoTime() - deadline < 0) {
                    HvlRig.echoes(q, 10);
                }
                assertThat(q.suppressedNotifications()).isPositive();
            }
        }
    }
}

package io.hvl9p.transport.doorbell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code poll[:INTERVAL]}: no notifications, only an interval and wakeups. */
class PollDoorbellTest {
    @ParameterizedTest
    @CsvSource({
        "poll, 1000000, poll:1ms",
        "poll:1ms, 1000000, poll:1ms",
        "poll:200us, 200000, poll:200us",
        "poll:1500ns, 1500, poll:1500ns",
        "poll:1us, 1000, poll:1us",
        "poll:1s, 1000000000, poll:1s",
        "poll:250ms, 250000000, poll:250ms"
    })
    void intervalsParse(String spec, long nanos, String describe) throws IOException {
        try (Doorbell back = Doorbells.backEnd(spec);
                DriverDoorbell front = Doorbells.driver(spec)) {
            assertThat(back).isInstanceOf(PollDoorbell.class);
            assertThat(back.pollIntervalNanos()).isEqualTo(nanos);
            assertThat(back.describe()).isEqualTo(describe);
            assertThat(front).isInstanceOf(PollDriverDoorbell.class);
            assertThat(((PollDriverDoorbell) front).pollIntervalNanos()).isEqualTo(nanos);
            assertThat(front.interruptsDelivered()).isFalse();
        }
    }

    @Test
    void awaitKickTimesOutAndNeverWaitsPastTheInterval() throws IOException {
        try (PollDoorbell back = PollDoorbell.create(TimeUnit.MILLISECONDS.toNanos(20))) {
            back.interrupt(); // a no-op
            back.drain();
            assertThat(back.awaitKick(0)).isFalse();
            long start = System.nanoTime();
            assertThat(back.awaitKick(TimeUnit.MILLISECONDS.toNanos(5))).isFalse();
            assertThat(back.awaitKick(-1)).as("forever means one interval").isFalse();
            assertThat(back.awaitKick(TimeUnit.SECONDS.toNanos(60))).isFalse();
            long elapsed = Waits.millis(System.nanoTime() - start);
            assertThat(elapsed).isBetween(40L, 5_000L);
        }
    }

    @Test
    void aWakeupEndsAWaitFromAnotherThreadAndBeforeIt() throws Exception {
        try (PollDoorbell back = PollDoorbell.create(TimeUnit.SECONDS.toNanos(1))) {
            back.wakeup();
            assertThat(back.awaitKick(-1)).isTrue();
            assertThat(back.awaitKick(0)).isFalse();
            CountDownLatch entering = new CountDownLatch(1);
            CompletableFuture<Boolean> waiter = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                entering.countDown();
                try {
                    boolean woken = false;
                    long deadline = System.nanoTime() + Waits.LONG;
                    while (!woken && System.nanoTime() < deadline) { // each wait lasts at most 1 s
                        woken = back.awaitKick(-1);
                    }
                    waiter.complete(woken);
                } catch (Throwable e) {
                    waiter.completeExceptionally(e);
                }
            });
            entering.await();
            back.wakeup();
            assertThat(waiter.get(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theFrontEndWaitsForTheTimeoutOrAWakeup() throws Exception {
        try (PollDriverDoorbell front = PollDriverDoorbell.create(1_000_000)) {
            front.kick(); // a no-op
            long start = System.nanoTime();
            assertThat(front.awaitInterrupt(TimeUnit.MILLISECONDS.toNanos(30))).isFalse();
            assertThat(Waits.millis(System.nanoTime() - start)).isBetween(25L, 5_000L);
            CountDownLatch entering = new CountDownLatch(1);
            CompletableFuture<Boolean> waiter = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                entering.countDown();
                try {
                    waiter.complete(front.awaitInterrupt(-1));
                } catch (Throwable e) {
                    waiter.completeExceptionally(e);
                }
            });
            entering.await();
            front.wakeup();
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}

package io.hvl9p.transport.mmio;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.transport.doorbell.Doorbells;
import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.driver.DriverDevice;
import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A runtime that keeps kicking requests but has stopped taking interrupts (its interrupt handler
 * hangs, or it crashed half-way): nobody reads {@code PATH.irq} any more, so the pipe fills. The
 * back-end must drop interrupts then, never wait for the pipe (3a.11): a blocked controller would
 * stop every device of the pool, and the explicit pool reset (3b.7) that is meant to recover the
 * runtime runs on that same thread.
 */
// SEPARATE_THREAD: if the controller does block, the rig's close blocks with it; the test must
// still fail instead of hanging the build.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SilentFrontEndTest {
    /** Completions pushed at the silent front-end: more than a default pipe (64 KiB) holds. */
    private static final int COMPLETIONS = 100_000;
    /** The last completions, after which the pipe must no longer have grown. */
    private static final int TAIL = 20_000;

    private static byte[] request(int i) {
        return ("request " + i).getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void aFullInterruptFifoBlocksNothingAndThePoolResetRecoversTheRuntime(PoolLayout.Kind kind) throws Exception {
        try (HvlRig rig = new HvlRig()) {
            EchoDevice echo = EchoDevice.oneQueue();
            HvlRig.Runtime a = rig.runtime("a", kind, HvlRig.options(), echo, EchoDevice.twoQueues());
            HvlRig.Runtime b = rig.runtime("b", kind, HvlRig.options(), EchoDevice.oneQueue());
            a.attach(HvlRig.lenient());
            b.attach(HvlRig.lenient());
            DriverDevice victim = a.started(0, 8);
            DriverDevice bystander = a.started(1, 4, 8);
            DriverQueue other = b.started(0, 8).queue(0);
            HvlRig.echoes(victim.queue(0), 5);
            HvlRig.echoes(bystander.queue(1), 5);

            DriverQueue vq = victim.queue(0);
            DriverQueue bq = bystander.queue(1);
            // The runtime's interrupt handling stops; it goes on kicking requests.
            a.detach();
            try (DriverDoorbell kicker = Doorbells.driver("fifo:" + a.bell);
                    FileInputStream irq = a.irqReader()) {
                RawQueue silent = RawQueue.takeOver(a.mem, vq, victim.headerPa(), a.scratch(), kicker);
                RawQueue same = RawQueue.takeOver(a.mem, bq, bystander.headerPa(), a.scratch() + 0x2000, kicker);
                int pending = 0;
                for (int i = 0; i < COMPLETIONS; i++) {
                    byte[] req = request(i);
                    // spinning on the used index with a deadline: a blocked controller fails here
                    assertThat(silent.call(req, 64)).containsExactly(req);
                    if (i == COMPLETIONS - TAIL) {
                        pending = irq.available();
                    }
                }
                int full = irq.available();
                assertThat(full)
                        .as("interrupt bytes nobody read: the pipe filled and stopped growing")
                        .isGreaterThanOrEqualTo(4096)
                        .isEqualTo(pending);
                assertThat(echo.completed.get()).isGreaterThanOrEqualTo(COMPLETIONS);

                // The same pool's other device and another pool are served all the while.
                for (int i = 0; i < 100; i++) {
                    byte[] req = ("bystander " + i).getBytes(StandardCharsets.US_ASCII);
                    assertThat(same.call(req, 64)).containsExactly(req);
                }
                HvlRig.echoes(other, 100);
                assertThat(a.controller.isRunning()).isTrue();
                assertThat(a.state(0).running()).isTrue();
                assertThat(a.state(0).needsReset()).isFalse();
                assertThat(a.state(1).running()).isTrue();
                assertThat(irq.available()).isEqualTo(full);

                // Whatever restarts the runtime resets the pool first: stale interrupts are dropped.
                a.controller.resetDevices();
                assertThat(irq.available())
                        .as("stale interrupt bytes after the pool reset")
                        .isZero();
            }
            assertThat(a.state(0).status()).isZero();
            assertThat(a.state(0).running()).isFalse();

            a.attach(HvlRig.frontEnd()); // strict, as OpenAMP: a stale interrupt would fail its set-up
            DriverDevice again = a.started(0, 8);
            DriverDevice bystanderAgain = a.started(1, 4, 8);
            HvlRig.echoes(again.queue(0), 50);
            HvlRig.echoes(bystanderAgain.queue(0), 5);
            HvlRig.echoes(bystanderAgain.queue(1), 5);
            HvlRig.echoes(other, 5);
            assertThat(a.state(0).generation()).isEqualTo(2);
            assertThat(a.state(0).needsResets()).isZero();
        }
    }
}

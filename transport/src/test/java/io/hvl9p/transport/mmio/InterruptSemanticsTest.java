package io.hvl9p.transport.mmio;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.transport.doorbell.Doorbells;
import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.memory.GuestMemory;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The interrupt rules of 3a.4 and 3a.6, checked byte by byte: no {@link FrontEnd}, the registers
 * driven by hand through {@link GuestMemory}, the kicks through a driver doorbell, and the bytes
 * of {@code PATH.irq} counted with a raw reader. Counts are exact: {@link HvlRig.Runtime#fence}
 * waits until every interrupt the controller owes for what came before is in the FIFO.
 */
@Timeout(60)
class InterruptSemanticsTest {
    private static final int PAGE = Regs.PAGE_SIZE;

    /** One two-queue device of one pool, driven by hand. */
    private static final class Hand implements AutoCloseable {
        final HvlRig rig;
        final HvlRig.Runtime rt;
        final GuestMemory mem;
        final long hdr;
        final DriverDoorbell kicker;
        final FileInputStream irq;
        private long bytes;
        RawQueue q0;
        RawQueue q1;

        Hand(PoolLayout.Kind kind) throws IOException {
            rig = new HvlRig();
            rt = rig.runtime("a", kind, HvlRig.options(), EchoDevice.twoQueues());
            mem = rt.mem;
            hdr = FrontEnd.headers(mem, kind).get(0);
            kicker = Doorbells.driver("fifo:" + rt.bell);
            irq = rt.irqReader();
        }

        int reg(int off) {
            return mem.readU32Acquire(hdr + off);
        }

        void put(int off, int value) {
            mem.writeU32Release(hdr + off, value);
        }

        void kick() throws IOException {
            kicker.kick();
        }

        /** Interrupt bytes read from the FIFO so far (reads whatever is there now). */
        long interrupts() throws IOException {
            int n = irq.available();
            if (n > 0) {
                bytes += irq.readNBytes(n).length;
            }
            return bytes;
        }

        /** The exact number of interrupts sent so far, once the controller has caught up. */
        long interruptsAfterFence() throws IOException, InterruptedException {
            rt.fence();
            return interrupts();
        }

        void awaitInterrupts(long n, String what) {
            HvlRig.await(
                    () -> {
                        try {
                            return interrupts() >= n;
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    },
                    n + " interrupt bytes: " + what);
        }

        /** Section 3, steps 1 and 2. */
        void driver() throws IOException {
            put(Regs.STATUS, Regs.S_ACKNOWLEDGE);
            kick();
            put(Regs.GUEST_PAGE_SIZE, PAGE);
            put(Regs.STATUS, Regs.S_DRIVER);
            kick();
            put(Regs.HOST_FEATURES_SEL, 0);
            put(Regs.GUEST_FEATURES, reg(Regs.HOST_FEATURES));
            kick();
        }

        /**
         * Step 3 for one queue, checking as it goes that the ACK is in QueuePFN by the time its
         * interrupt is there, and that it sets no InterruptStatus bit.
         */
        RawQueue queue(int sel, int size, long ringPa) throws IOException, InterruptedException {
            RawQueue q = RawQueue.fresh(mem, hdr, sel, size, ringPa, ringPa + 0x8000, kicker);
            long before = interruptsAfterFence();
            int statusBefore = reg(Regs.INTERRUPT_STATUS);
            put(Regs.QUEUE_SEL, sel);
            put(Regs.QUEUE_NUM, size);
            put(Regs.QUEUE_ALIGN, PAGE);
            put(Regs.QUEUE_PFN, q.pfn());
            kick();
            awaitInterrupts(before + 1, "the ACK of queue " + sel);
            assertThat(reg(Regs.QUEUE_PFN))
                    .as("QueuePFN once the ACK's interrupt is there (3a.4: ACK first)")
                    .isEqualTo(Regs.PFN_ACK);
            assertThat(reg(Regs.INTERRUPT_STATUS))
                    .as("InterruptStatus after an ACK: no bit of its own")
                    .isEqualTo(statusBefore);
            assertThat(interruptsAfterFence())
                    .as("interrupts for the ACK of queue %d", sel)
                    .isEqualTo(before + 1);
            put(Regs.QUEUE_PFN, q.pfn()); // the write-back, without a kick
            return q;
        }

        /** The whole set-up; returns with the device running. */
        void start() throws IOException, InterruptedException {
            driver();
            long ring = rt.scratch();
            q0 = queue(0, 4, ring);
            q1 = queue(1, 8, ring + 0x10000);
            put(Regs.STATUS, Regs.S_DRIVER_OK);
            kick();
            for (int i = 0; i < 2; i++) {
                put(Regs.QUEUE_NOTIFY, i);
                kick();
            }
            rt.await(0, DeviceState::running, "running");
        }

        /** One echo on queue 1, waited for on the used ring; returns with its interrupt counted. */
        void publish(String what) throws IOException, InterruptedException {
            long before = interruptsAfterFence();
            byte[] req = what.getBytes(StandardCharsets.US_ASCII);
            assertThat(q1.call(req, 64)).containsExactly(req);
            awaitInterrupts(before + 1, "the completion of " + what);
            assertThat(interruptsAfterFence()).as("interrupts for %s", what).isEqualTo(before + 1);
        }

        /** InterruptACK = {@code value}, kick, and back once the controller has processed it. */
        void ack(int value) throws IOException, InterruptedException {
            put(Regs.INTERRUPT_ACK, value);
            kick();
            if (value != 0) {
                HvlRig.await(() -> reg(Regs.INTERRUPT_ACK) == 0, "InterruptACK reset to 0 by the back-end");
            }
            rt.fence();
        }

        @Override
        public void close() throws IOException {
            try {
                irq.close();
                kicker.close();
            } finally {
                rig.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void exactlyOneInterruptPerQueuePfnAckAndNoInterruptStatusBit(PoolLayout.Kind kind) throws Exception {
        try (Hand h = new Hand(kind)) {
            h.start(); // one interrupt per ACK, checked queue by queue
            assertThat(h.interruptsAfterFence())
                    .as("two ACKs; DRIVER_OK and notifies of empty rings interrupt nothing")
                    .isEqualTo(2);
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isZero();
            assertThat(h.rt.state(0).acks()).isEqualTo(2);
            h.publish("first");
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isEqualTo(Regs.INT_VRING);
            assertThat(h.interruptsAfterFence()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void theAckOfAReinitialisationOnTheSamePfnIsAlsoExactlyOneInterrupt(PoolLayout.Kind kind) throws Exception {
        try (Hand h = new Hand(kind)) {
            h.start();
            h.publish("before"); // never acknowledged: bit 0 stays set across the reboot
            // a reboot without reset (3a.2, 3a.5): Status goes down, the same PFNs again
            long ring = h.rt.scratch();
            h.driver();
            h.queue(0, 4, ring);
            h.queue(1, 8, ring + 0x10000);
            assertThat(h.interruptsAfterFence()).isEqualTo(5);
            assertThat(h.rt.state(0).acks()).isEqualTo(4);
            assertThat(h.rt.state(0).reinits()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void interruptAckIsResetToZeroOnceConsumedAndTheSameValueAgainIsConsumedAgain(PoolLayout.Kind kind)
            throws Exception {
        try (Hand h = new Hand(kind)) {
            h.start();
            h.publish("one");
            long interrupts = h.interruptsAfterFence();
            h.ack(Regs.INT_VRING); // waits for InterruptACK to read 0 again
            assertThat(h.reg(Regs.INTERRUPT_ACK)).isZero();
            // the ISR's next run (on any interrupt) writes the same value again
            h.ack(Regs.INT_VRING);
            assertThat(h.reg(Regs.INTERRUPT_ACK)).isZero();
            assertThat(h.reg(Regs.INTERRUPT_STATUS))
                    .as("nothing published since the previous ACK: bit 0 cleared")
                    .isZero();
            assertThat(h.interruptsAfterFence()).as("an ACK is not answered").isEqualTo(interrupts);
            h.publish("two");
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isEqualTo(Regs.INT_VRING);
        }
    }

    /** Bit 0 clear, and nothing published since the last ACK the back-end processed. */
    private static void quiet(Hand h) throws Exception {
        h.ack(Regs.INT_VRING);
        h.ack(Regs.INT_VRING);
        assertThat(h.reg(Regs.INTERRUPT_STATUS)).isZero();
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void bit0StaysSetWhenAnEntryWasPublishedAfterTheAckedValueWasRead(PoolLayout.Kind kind) throws Exception {
        try (Hand h = new Hand(kind)) {
            h.start();
            h.publish("a");
            h.ack(Regs.INT_VRING); // processed: from here on, only new publishes count
            int read = h.reg(Regs.INTERRUPT_STATUS); // the ISR reads InterruptStatus...
            assertThat(read).isEqualTo(Regs.INT_VRING);
            h.publish("b"); // ...an entry is published (its interrupt is on the way)...
            h.ack(read); // ...and the ISR acknowledges what it read
            assertThat(h.reg(Regs.INTERRUPT_STATUS) & Regs.INT_VRING)
                    .as("bit 0 after acknowledging a value read before the last publish (3a.6)")
                    .isEqualTo(Regs.INT_VRING);
            // the ISR run for b's interrupt sees bit 0, collects b, and its ACK clears the bit
            h.ack(h.reg(Regs.INTERRUPT_STATUS));
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void withoutAPublishAfterTheReadTheSameAckClearsBit0(PoolLayout.Kind kind) throws Exception {
        try (Hand h = new Hand(kind)) {
            h.start();
            h.publish("a");
            h.ack(Regs.INT_VRING);
            int read = h.reg(Regs.INTERRUPT_STATUS);
            assertThat(read).isEqualTo(Regs.INT_VRING);
            h.ack(read); // as above, but nothing published in between
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void anAckOfZeroChangesNothing(PoolLayout.Kind kind) throws Exception {
        try (Hand h = new Hand(kind)) {
            h.start();
            h.ack(0); // an ISR run that found nothing, before anything was published
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isZero();
            h.publish("a");
            h.ack(Regs.INT_VRING); // processed; an ACK of bit 0 would clear it now
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isEqualTo(Regs.INT_VRING);
            long interrupts = h.interruptsAfterFence();
            for (int i = 0; i < 3; i++) {
                h.ack(0);
            }
            assertThat(h.reg(Regs.INTERRUPT_STATUS))
                    .as("InterruptStatus after ACKs of 0")
                    .isEqualTo(Regs.INT_VRING);
            assertThat(h.reg(Regs.INTERRUPT_ACK)).isZero();
            assertThat(h.interruptsAfterFence()).isEqualTo(interrupts);
            assertThat(h.rt.state(0).running()).isTrue();
            h.ack(Regs.INT_VRING);
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isZero();
            quiet(h);
            h.publish("b");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void configChangeBitAndOneInterruptWithDeviceNeedsResetInTheSetUp(PoolLayout.Kind kind) throws Exception {
        try (Hand h = new Hand(kind)) {
            h.driver();
            h.put(Regs.QUEUE_SEL, 0);
            h.put(Regs.QUEUE_NUM, 3);
            h.put(Regs.QUEUE_ALIGN, PAGE);
            h.put(Regs.QUEUE_PFN, (int) (h.rt.scratch() / PAGE));
            h.kick();
            h.rt.await(0, DeviceState::needsReset, "DEVICE_NEEDS_RESET");
            h.awaitInterrupts(1, "the config-change interrupt");
            assertThat(h.reg(Regs.STATUS) & Regs.S_NEEDS_RESET).isEqualTo(Regs.S_NEEDS_RESET);
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isEqualTo(Regs.INT_CONFIG);
            assertThat(h.reg(Regs.QUEUE_PFN)).as("no ACK for a refused queue").isNotEqualTo(Regs.PFN_ACK);
            assertThat(h.interruptsAfterFence()).isEqualTo(1);
            h.ack(Regs.INT_CONFIG);
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isZero();
            assertThat(h.rt.state(0).needsReset()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void configChangeBitAndOneInterruptWithDeviceNeedsResetOfARunningQueue(PoolLayout.Kind kind) throws Exception {
        try (Hand h = new Hand(kind)) {
            h.start();
            h.publish("a");
            quiet(h);
            long before = h.interruptsAfterFence();
            // a head index beyond the queue size of 8
            int idx = h.mem.readU16Acquire(h.q1.availRingPa() + 2);
            h.mem.writeU16(h.q1.availRingPa() + 4 + 2L * (idx & 7), 8);
            h.mem.writeU16Release(h.q1.availRingPa() + 2, (idx + 1) & 0xFFFF);
            h.put(Regs.QUEUE_NOTIFY, 1);
            h.kick();
            h.rt.await(0, DeviceState::needsReset, "DEVICE_NEEDS_RESET");
            h.awaitInterrupts(before + 1, "the config-change interrupt");
            assertThat(h.rt.state(0).reason()).contains("head index 8");
            assertThat(h.reg(Regs.STATUS) & Regs.S_NEEDS_RESET).isEqualTo(Regs.S_NEEDS_RESET);
            assertThat(h.reg(Regs.INTERRUPT_STATUS)).isEqualTo(Regs.INT_CONFIG);
            assertThat(h.interruptsAfterFence()).isEqualTo(before + 1);
            assertThat(h.q1.usedIdx()).as("nothing completed").isEqualTo(1);
        }
    }
}

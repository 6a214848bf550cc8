package io.hvl9p.transport.mmio;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.transport.driver.DriverDevice;
import io.hvl9p.transport.driver.Registers;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.IOException;

/**
 * Pool A: the victim (one queue, device 0) and a bystander (two queues, device 1); pool B: one
 * more device with its own controller. Every hostile test breaks the victim and then checks, in
 * {@link #assertContained}, that only the victim is affected and that it recovers.
 */
final class HostileFixture implements AutoCloseable {
    final HvlRig rig;
    final HvlRig.Runtime a;
    final HvlRig.Runtime b;
    final EchoDevice victimDevice = EchoDevice.oneQueue();
    final DriverDevice bystander;
    final DriverDevice other;

    HostileFixture(PoolLayout.Kind kind) throws IOException {
        rig = new HvlRig();
        a = rig.runtime("a", kind, HvlRig.options(), victimDevice, EchoDevice.twoQueues());
        b = rig.runtime("b", kind, HvlRig.options(), EchoDevice.oneQueue());
        a.attach(HvlRig.lenient());
        b.attach(HvlRig.lenient());
        bystander = a.started(1, 4, 8);
        other = b.started(0, 8);
        // initialize() returns once DRIVER_OK is written and kicked, not once the controller has
        // seen it: without this, a victim broken in the very pass that starts the bystander was
        // seen with the bystander not yet running (assertContained failed now and then)
        a.await(1, DeviceState::running, "the bystander running");
        b.await(0, DeviceState::running, "pool B's device running");
    }

    DriverDevice victim() {
        return a.fe.device(0);
    }

    Registers regs() {
        return victim().registers();
    }

    /** Status ACKNOWLEDGE then DRIVER, as a front-end starts (3, step 1). */
    void driver() throws IOException {
        regs().writeReg(Regs.STATUS, Regs.S_ACKNOWLEDGE);
        regs().kick();
        regs().writeReg(Regs.STATUS, Regs.S_DRIVER);
        regs().kick();
    }

    /** One queue set-up with the given register values, then a kick. */
    void setUpQueue(int sel, int num, int align, int page, int pfn) throws IOException {
        regs().writeReg(Regs.GUEST_PAGE_SIZE, page);
        regs().writeReg(Regs.QUEUE_SEL, sel);
        regs().writeReg(Regs.QUEUE_NUM, num);
        regs().writeReg(Regs.QUEUE_ALIGN, align);
        regs().writeReg(Regs.QUEUE_PFN, pfn);
        regs().kick();
    }

    /** A page inside the pool, away from everything the front-ends allocate. */
    int scratchPfn() {
        return (int) (a.scratch() / Regs.PAGE_SIZE);
    }

    /**
     * The victim ends in DEVICE_NEEDS_RESET for a reason containing every one of {@code
     * reasonParts}, with a config-change interrupt; the controller runs, the bystander and pool B
     * work, and the victim works again after a reset and a new initialisation.
     */
    void assertContained(String... reasonParts) throws IOException {
        long changes = victim().configChanges();
        DeviceState s = a.await(0, DeviceState::needsReset, "DEVICE_NEEDS_RESET");
        for (String part : reasonParts) {
            assertThat(s.reason()).containsIgnoringCase(part);
        }
        assertThat(s.running()).isFalse();
        assertThat(victim().status() & Regs.S_NEEDS_RESET).isEqualTo(Regs.S_NEEDS_RESET);
        HvlRig.await(() -> victim().configChanges() > changes || changes > 0, "a config-change interrupt");
        assertThat(a.controller.isRunning()).isTrue();
        assertThat(a.state(1).running()).isTrue();
        HvlRig.echoes(bystander.queue(0), 5);
        HvlRig.echoes(bystander.queue(1), 5);
        HvlRig.echoes(other.queue(0), 5);
        assertThat(b.state(0).needsResets()).isZero();

        victim().reset();
        try {
            victim().initialize(new int[] {8}, 1);
        } catch (IOException e) {
            throw new AssertionError("re-initialisation after the reset failed; back-end: " + a.state(0), e);
        }
        HvlRig.echoes(victim().queue(0), 5);
        DeviceState after = a.state(0);
        assertThat(after.needsReset()).isFalse();
        assertThat(after.running()).isTrue();
        assertThat(a.state(1).needsResets()).isZero();
    }

    @Override
    public void close() throws IOException {
        rig.close();
    }
}

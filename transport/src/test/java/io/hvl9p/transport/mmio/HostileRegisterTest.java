package io.hvl9p.transport.mmio;

import io.hvl9p.transport.layout.PoolLayout;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A front-end that writes nonsense into the queue set-up registers (4.4). */
@Timeout(60)
class HostileRegisterTest {
    private static final int PAGE = Regs.PAGE_SIZE;

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void queuePfnOutsideThePool(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.setUpQueue(0, 8, PAGE, PAGE, 1);
            f.assertContained("outside");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void queuePfnAllOnes(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.setUpQueue(0, 8, PAGE, PAGE, 0xFFFF_FFFE);
            f.assertContained("outside");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void ringStraddlingTheEndOfThePool(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            int lastPage = (int) ((f.a.mem.physBase() + HvlRig.SIZE) / PAGE - 1);
            f.setUpQueue(0, 256, PAGE, PAGE, lastPage);
            f.assertContained("outside");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void queueNumNotAPowerOfTwo(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.setUpQueue(0, 3, PAGE, PAGE, f.scratchPfn());
            f.assertContained("QueueNum 3");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void queueNumAboveQueueNumMax(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.setUpQueue(0, 512, PAGE, PAGE, f.scratchPfn());
            f.assertContained("QueueNum 512");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void queueNumZero(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.setUpQueue(0, 0, PAGE, PAGE, f.scratchPfn());
            f.assertContained("QueueNum 0");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void queueSelOutOfRange(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.setUpQueue(1, 8, PAGE, PAGE, f.scratchPfn());
            f.assertContained("QueueSel 1");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void queueSelNegative(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.setUpQueue(-1, 8, PAGE, PAGE, f.scratchPfn());
            f.assertContained("QueueSel -1");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void queueAlignNonsense(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.setUpQueue(0, 8, 3, PAGE, f.scratchPfn());
            f.assertContained("QueueAlign 3");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void queueAlignHuge(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.setUpQueue(0, 8, 1 << 20, PAGE, f.scratchPfn());
            f.assertContained("QueueAlign 1048576");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void guestPageSizeNonsense(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.setUpQueue(0, 8, PAGE, 8192, f.scratchPfn());
            f.assertContained("GuestPageSize 8192");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void driverOkWithTheQueueNotSetUp(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.driver();
            f.regs().writeReg(Regs.STATUS, Regs.S_DRIVER_OK);
            f.regs().kick();
            f.assertContained("queue 0 not set up");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void driverOkWithOneOfTwoQueuesSetUpBreaksOnlyThatDevice(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            f.victim().initialize(new int[] {8}, 1);
            f.bystander.initialize(new int[] {8}, 1); // the two-queue device with one queue
            f.a.await(1, DeviceState::needsReset, "DEVICE_NEEDS_RESET of the two-queue device");
            HvlRig.echoes(f.victim().queue(0), 5);
            HvlRig.echoes(f.other.queue(0), 5);
            f.bystander.reset();
            f.bystander.initialize(new int[] {4, 8}, 1);
            HvlRig.echoes(f.bystander.queue(1), 5);
        }
    }
}

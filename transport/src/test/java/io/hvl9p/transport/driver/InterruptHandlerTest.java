package io.hvl9p.transport.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.mmio.Regs;
import org.junit.jupiter.api.Test;

/** hvl-transport.md 3a.6: every interrupt runs every device's handler; ACK the value read, kick if non-zero. */
class InterruptHandlerTest {
    @Test
    void ackIsTheValueReadAndOnlyANonZeroAckKicks() throws Exception {
        try (Rig rig = new Rig(PoolLayout.Kind.DTB)) {
            FrontEnd fe = rig.attach(Rig.fast());
            long h0 = rig.layout.device(0).headerPa();
            long h1 = rig.layout.device(1).headerPa();
            rig.mem.writeU32Release(h0 + Regs.INTERRUPT_STATUS, Regs.INT_VRING | Regs.INT_CONFIG);
            rig.mem.writeU32Release(h1 + Regs.INTERRUPT_ACK, 0xdead);
            long kicks = rig.bell.kicks.get();

            rig.bell.device().interrupt();
            Rig.poll(() -> fe.device(0).handlerRuns() == 1 && fe.device(1).handlerRuns() == 1, "both handlers");

            assertThat(rig.mem.readU32Acquire(h0 + Regs.INTERRUPT_ACK)).isEqualTo(3);
            assertThat(rig.mem.readU32Acquire(h1 + Regs.INTERRUPT_ACK))
                    .as("0 is written too")
                    .isZero();
            assertThat(rig.bell.kicks.get() - kicks)
                    .as("one kick, for device 0 only")
                    .isEqualTo(1);
            assertThat(fe.device(0).configChanges()).isEqualTo(1);
            assertThat(fe.device(1).configChanges()).isZero();

            rig.mem.writeU32Release(h0 + Regs.INTERRUPT_STATUS, 0);
            rig.mem.writeU32Release(h0 + Regs.INTERRUPT_ACK, 0xbeef);
            rig.bell.device().interrupt();
            Rig.poll(() -> fe.device(0).handlerRuns() == 2 && fe.device(1).handlerRuns() == 2, "both handlers");
            assertThat(rig.mem.readU32Acquire(h0 + Regs.INTERRUPT_ACK)).isZero();
            assertThat(rig.bell.kicks.get() - kicks)
                    .as("no kick for a zero ACK")
                    .isEqualTo(1);
            assertThat(fe.interrupts()).isEqualTo(2);
        }
    }
}

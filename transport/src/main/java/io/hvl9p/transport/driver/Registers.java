package io.hvl9p.transport.driver;

import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.mmio.Regs;
import java.io.IOException;

/**
 * Raw access to one device's 0x200-byte register block in shared memory (hvl-transport.md section
 * 3): every word is read with acquire and written with release semantics, as the back-end expects
 * (section 4.1). {@link DriverDevice} drives the protocol through it; hostile tests use it directly
 * to write what no correct front-end writes.
 */
public final class Registers {
    private final GuestMemory mem;
    private final long headerPa;
    private final DriverDoorbell doorbell;

    Registers(GuestMemory mem, long headerPa, DriverDoorbell doorbell) {
        this.mem = mem;
        this.headerPa = headerPa;
        this.doorbell = doorbell;
    }

    /** Reads the 32-bit register at {@code off} (acquire). */
    public int readReg(int off) {
        return mem.readU32Acquire(pa(off));
    }

    /** Writes the 32-bit register at {@code off} (release); no kick. */
    public void writeReg(int off, int value) {
        mem.writeU32Release(pa(off), value);
    }

    /** Kicks the back-end once (the pool's shared doorbell). */
    public void kick() throws IOException {
        doorbell.kick();
    }

    /** Physical address of the block. */
    public long headerPa() {
        return headerPa;
    }

    private long pa(int off) {
        if (off < 0 || off > Regs.BLOCK_SIZE - 4 || (off & 3) != 0) {
            throw new IllegalArgumentException(
                    String.format("register offset 0x%x (expected: a multiple of 4 below 0x200)", off));
        }
        return headerPa + off;
    }
}

package io.hvl9p.transport.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeviceMemoryTest {
    private static final long BASE = 0x3700_0000L;
    private final Arena arena = Arena.ofConfined();
    private final GuestMemory mem = GuestMemory.of(arena.allocate(0x10000, 4096), BASE);

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void allocationsStayInsideTheRegionAlignedAndDisjoint() throws Exception {
        DeviceMemory m = new DeviceMemory(mem, BASE + 0x1200, 0x4e00);
        Random rnd = new Random(7);
        List<Buffer> live = new ArrayList<>();
        for (int round = 0; round < 2000; round++) {
            if (!live.isEmpty() && (rnd.nextBoolean() || m.freeBytes() < 0x800)) {
                m.free(live.remove(rnd.nextInt(live.size())));
                continue;
            }
            int align = 1 << rnd.nextInt(13);
            try {
                Buffer b = m.alloc(1 + rnd.nextInt(0x400), align);
                assertThat(b.pa() % align).isZero();
                assertThat(m.contains(b.pa(), b.len())).isTrue();
                for (Buffer o : live) {
                    assertThat(b.pa() + b.len() <= o.pa() || o.pa() + o.len() <= b.pa())
                            .as("%s overlaps %s", b, o)
                            .isTrue();
                }
                live.add(b);
            } catch (OutOfDeviceMemoryException e) {
                // fragmentation: fine, the next free makes room
            }
        }
        live.forEach(m::free);
        assertThat(m.freeBytes()).isEqualTo(0x4e00);
        assertThat(m.allocations()).isZero();
        assertThat(m.alloc(0x4e00, 1).pa())
                .as("free blocks merged back into one")
                .isEqualTo(BASE + 0x1200);
    }

    @Test
    void outOfMemoryDoubleFreeAndBadArgumentsAreClearErrors() throws Exception {
        DeviceMemory m = new DeviceMemory(mem, BASE + 0x1000, 0x2000);
        Buffer a = m.alloc(0x1800);
        assertThatThrownBy(() -> m.alloc(0x1000))
                .isInstanceOf(OutOfDeviceMemoryException.class)
                .hasMessageContaining("4096 bytes")
                .hasMessageContaining("2048 of 8192 bytes free");
        m.free(a);
        assertThatThrownBy(() -> m.free(a))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("double free");
        assertThatThrownBy(() -> m.alloc(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.alloc(8, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeviceMemory(mem, BASE + 0xF000, 0x2000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inside");
    }

    @Test
    void allocZeroedZeroes() throws Exception {
        DeviceMemory m = new DeviceMemory(mem, BASE, 0x2000);
        mem.copyIn(BASE, new byte[] {1, 2, 3, 4}, 0, 4);
        Buffer b = m.allocZeroed(4, 4096);
        assertThat(mem.readU32(b.pa())).isZero();
    }
}

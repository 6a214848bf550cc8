package io.hvl9p.transport.memory;

import static io.hvl9p.transport.memory.TestPool.PHYS_BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GuestMemoryTest {
    private static final long SIZE = 64 * 1024;
    private final TestPool pool = TestPool.create(SIZE);
    private final GuestMemory mem = pool.memory();

    @AfterEach
    void guards() {
        assertThat(pool.guardsIntact()).isTrue();
        pool.close();
    }

    @Test
    void translatesAddressesToOffsets() {
        assertThat(mem.offset(PHYS_BASE, 0)).isZero();
        assertThat(mem.offset(PHYS_BASE + 0x100, 16)).isEqualTo(0x100);
        assertThat(mem.offset(PHYS_BASE + SIZE - 8, 8)).isEqualTo(SIZE - 8);
        assertThat(mem.offset(PHYS_BASE + SIZE, 0)).isEqualTo(SIZE);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("below base", PHYS_BASE - 1, 1L, "below the pool base"),
                Arguments.of("zero", 0L, 4L, "below the pool base"),
                Arguments.of("beyond end", PHYS_BASE + SIZE, 1L, "beyond the pool"),
                Arguments.of("straddles end", PHYS_BASE + SIZE - 4, 8L, "beyond the pool"),
                Arguments.of("length larger than pool", PHYS_BASE, SIZE + 1, "beyond the pool"),
                Arguments.of("overflow", -8L, 16L, "overflows 64 bits"),
                Arguments.of("max address", -1L, 1L, "overflows 64 bits"),
                Arguments.of("huge length", PHYS_BASE, Long.MAX_VALUE, "beyond the pool"),
                Arguments.of("negative length", PHYS_BASE, -1L, "negative length"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesRangesOutsideThePool(String name, long pa, long len, String message) {
        assertThat(mem.contains(pa, len)).isFalse();
        assertThatThrownBy(() -> mem.offset(pa, len))
                .isInstanceOf(GuestMemoryException.class)
                .hasMessageContaining(message);
        if (len > 0 && len <= 8) {
            assertThatThrownBy(() -> mem.readU64(pa)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> mem.writeU64(pa, -1)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> mem.copyIn(pa, new byte[(int) len], 0, (int) len))
                    .isInstanceOf(GuestMemoryException.class);
        }
    }

    @Test
    void valuesAreLittleEndianAndUnsigned() {
        mem.writeU64(PHYS_BASE + 1, 0x0102_0304_0506_0708L);
        byte[] raw = new byte[8];
        mem.copyOut(PHYS_BASE + 1, raw, 0, 8);
        assertThat(raw).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(mem.readU64(PHYS_BASE + 1)).isEqualTo(0x0102_0304_0506_0708L);
        assertThat(mem.readU32(PHYS_BASE + 1)).isEqualTo(0x0506_0708);
        mem.writeU16(PHYS_BASE + 20, 0xFFFE);
        assertThat(mem.readU16(PHYS_BASE + 20)).isEqualTo(0xFFFE);
        mem.writeU32(PHYS_BASE + 24, 0xDEAD_BEEF);
        assertThat(mem.readU32(PHYS_BASE + 24)).isEqualTo(0xDEAD_BEEF);
    }

    @Test
    void acquireReleaseAccessesRoundTripAndRequireAlignment() {
        mem.writeU16Release(PHYS_BASE + 2, 0xBEEF);
        assertThat(mem.readU16Acquire(PHYS_BASE + 2)).isEqualTo(0xBEEF);
        assertThat(mem.readU16(PHYS_BASE + 2)).isEqualTo(0xBEEF);
        mem.writeU32Release(PHYS_BASE + 8, 0xAABB_AABB);
        assertThat(mem.readU32Acquire(PHYS_BASE + 8)).isEqualTo(0xAABB_AABB);
        assertThatThrownBy(() -> mem.readU16Acquire(PHYS_BASE + 1))
                .isInstanceOf(GuestMemoryException.class)
                .hasMessageContaining("aligned");
        assertThatThrownBy(() -> mem.writeU32Release(PHYS_BASE + 2, 1))
                .isInstanceOf(GuestMemoryException.class)
                .hasMessageContaining("aligned");
    }

    @Test
    void copiesBytesAndBuffers() {
        mem.copyIn(PHYS_BASE + 100, new byte[] {9, 1, 2, 3, 9}, 1, 3);
        ByteBuffer direct =
                ByteBuffer.allocateDirect(4).put(new byte[] {4, 5, 6, 7}).flip();
        mem.copyIn(PHYS_BASE + 103, direct, 2);
        assertThat(direct.position()).isEqualTo(2);
        byte[] out = new byte[7];
        mem.copyOut(PHYS_BASE + 99, out, 1, 6);
        assertThat(out).containsExactly(0, 0, 1, 2, 3, 4, 5);
    }

    @Test
    void rejectsHeapPoolsAndBaseOverflow() {
        assertThatThrownBy(() -> GuestMemory.of(MemorySegment.ofArray(new byte[16]), 0))
                .isInstanceOf(IllegalArgumentException.class);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4096, 4096);
            assertThatThrownBy(() -> GuestMemory.of(seg, -2048)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> GuestMemory.of(seg.asSlice(1), 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

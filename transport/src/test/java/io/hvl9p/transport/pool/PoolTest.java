package io.hvl9p.transport.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.memory.GuestMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PoolTest {
    private static final long BASE = 0x3700_0000L;
    private static final long SIZE = 64 * 1024;

    private final List<Path> leftovers = new ArrayList<>();

    private String uniqueName() {
        String name = "hvl9p-test-" + UUID.randomUUID();
        leftovers.add(Pool.SHM_DIR.resolve(name));
        return name;
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Path p : leftovers) {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void shmCreatesSizesMapsAndCloseDeletes() throws IOException {
        String name = uniqueName();
        Path file = Pool.SHM_DIR.resolve(name);
        Pool pool = Pool.shm(name, SIZE, BASE);
        assertThat(file).exists();
        assertThat(Files.size(file)).isEqualTo(SIZE);
        assertThat(pool.size()).isEqualTo(SIZE);
        assertThat(pool.physBase()).isEqualTo(BASE);
        assertThat(pool.describe()).contains(file.toString()).contains("65536").contains("0x37000000");
        GuestMemory mem = pool.memory();
        assertThat(mem.physBase()).isEqualTo(BASE);
        assertThat(mem.size()).isEqualTo(SIZE);
        assertThat(mem.readU64(BASE + SIZE - 8)).isZero();
        mem.writeU32(BASE + SIZE - 4, 0xCAFEBABE);
        assertThat(mem.readU32(BASE + SIZE - 4)).isEqualTo(0xCAFEBABE);
        pool.close();
        assertThat(pool.isClosed()).isTrue();
        assertThat(file).doesNotExist();
    }

    @Test
    void twoPoolsOnOneNameSeeEachOthersWrites() throws IOException {
        String name = uniqueName();
        try (Pool back = Pool.shm(name, SIZE, BASE)) {
            Pool front = Pool.openShm(name, BASE);
            assertThat(front.size()).isEqualTo(SIZE);
            back.memory().writeU32Release(BASE + 0x100, 0x12345678);
            assertThat(front.memory().readU32Acquire(BASE + 0x100)).isEqualTo(0x12345678);
            front.memory().writeU64(BASE + 0x2000, 0x0102030405060708L);
            assertThat(back.memory().readU64(BASE + 0x2000)).isEqualTo(0x0102030405060708L);
            front.close();
            assertThat(Pool.SHM_DIR.resolve(name))
                    .as("attaching side never deletes")
                    .exists();
        }
        assertThat(Pool.SHM_DIR.resolve(name)).doesNotExist();
    }

    @Test
    void openShmOfMissingPoolSaysSo() {
        String name = uniqueName();
        assertThatThrownBy(() -> Pool.openShm(name, BASE))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("Pool.shm");
    }

    @Test
    void refusesToClobberAnExistingFileAndExplains() throws IOException {
        String name = uniqueName();
        Path file = Pool.SHM_DIR.resolve(name);
        Files.write(file, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Pool.shm(name, SIZE, BASE))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("3 bytes")
                .hasMessageContaining("rm " + file)
                .hasMessageContaining("replace");
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    }

    @Test
    void replaceDeletesAStalePool() throws IOException {
        String name = uniqueName();
        Path file = Pool.SHM_DIR.resolve(name);
        Files.write(file, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        try (Pool pool = Pool.shm(name, SIZE, BASE, true)) {
            assertThat(Files.size(file)).isEqualTo(SIZE);
            assertThat(pool.memory().readU32(BASE)).as("fresh, zeroed pool").isZero();
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void mapFileSharesMemoryWithAFileChannelMapping() throws IOException {
        String name = uniqueName();
        Path file = Pool.SHM_DIR.resolve(name);
        long page = io.hvl9p.transport.sys.Native.pageSize();
        long offset = page;
        try (FileChannel ch = FileChannel.open(
                        file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
                Arena arena = Arena.ofConfined()) {
            ch.write(java.nio.ByteBuffer.allocate(1), offset + SIZE - 1);
            MemorySegment other = ch.map(FileChannel.MapMode.READ_WRITE, 0, offset + SIZE, arena);
            Pool pool = Pool.mapFile(file, offset, SIZE, BASE);
            try {
                assertThat(pool.describe()).contains(file.toString());
                assertThat(pool.size()).isEqualTo(SIZE);
                pool.memory().writeU32(BASE + 8, 0xDEADBEEF);
                assertThat(other.get(
                                ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), offset + 8))
                        .as("write through FFM mmap seen through FileChannel mapping")
                        .isEqualTo(0xDEADBEEF);
                other.set(ValueLayout.JAVA_BYTE, offset + SIZE - 1, (byte) 0x5A);
                byte[] b = new byte[1];
                pool.memory().copyOut(BASE + SIZE - 1, b, 0, 1);
                assertThat(b[0]).as("and the other way").isEqualTo((byte) 0x5A);
                pool.close();
                assertThat(file).as("mapFile never deletes").exists();
                assertThatThrownBy(() -> pool.memory().readU32(BASE)).isInstanceOf(IllegalStateException.class);
            } finally {
                pool.close();
            }
            assertThat(other.get(ValueLayout.JAVA_BYTE, offset + 8)).isEqualTo((byte) 0xEF);
        }
    }

    @Test
    void mapFileReportsErrno() {
        Path missing = Pool.SHM_DIR.resolve(uniqueName());
        assertThatThrownBy(() -> Pool.mapFile(missing, 0, SIZE, BASE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("open(" + missing + ")")
                .hasMessageContaining("ENOENT");
    }

    @Test
    void mapFileRefusesAFileTooShort() throws IOException {
        Path file = Pool.SHM_DIR.resolve(uniqueName());
        Files.write(file, new byte[(int) SIZE]);
        long page = io.hvl9p.transport.sys.Native.pageSize();
        assertThatThrownBy(() -> Pool.mapFile(file, page, SIZE, BASE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too short");
        try (Pool pool = Pool.mapFile(file, 0, SIZE, BASE)) {
            assertThat(pool.memory().readU64(BASE + SIZE - 8)).isZero();
        }
    }

    @Test
    void mapFileRefusesAnUnalignedOffset() {
        assertThatThrownBy(() -> Pool.mapFile(Pool.SHM_DIR.resolve("x"), 100, SIZE, BASE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("page size");
    }

    @Test
    void uioWithoutDeviceSaysWhichSysfsFileIsMissing() {
        assertThatThrownBy(() -> Pool.uio(Path.of("/dev/uio-hvl9p-none"), 0, BASE))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("/sys/class/uio/uio-hvl9p-none/maps/map0/size");
    }

    @Test
    void parsesSysfsHexSizes() {
        Path p = Path.of("size");
        assertThat(Pool.parseSysfsSize("0x00100000\n", p)).isEqualTo(0x100000);
        assertThatThrownBy(() -> Pool.parseSysfsSize("4096\n", p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a hex size");
        assertThatThrownBy(() -> Pool.parseSysfsSize("0xzz", p)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "/abs", ".", "..", "nul\0x"})
    void refusesBadNames(String name) {
        assertThatThrownBy(() -> Pool.shm(name, SIZE, BASE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad pool name");
    }

    @Test
    void nameLengthLimit() throws IOException {
        String ok = "hvl9p-test-" + "n".repeat(Pool.MAX_NAME - 11);
        leftovers.add(Pool.SHM_DIR.resolve(ok));
        assertThat(ok).hasSize(Pool.MAX_NAME);
        try (Pool pool = Pool.shm(ok, SIZE, BASE)) {
            assertThat(pool.size()).isEqualTo(SIZE);
        }
        assertThatThrownBy(() -> Pool.shm(ok + "n", SIZE, BASE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad pool name");
    }

    static Stream<Arguments> badGeometry() {
        return Stream.of(
                Arguments.of(0L, BASE, "positive multiple of 4096"),
                Arguments.of(-4096L, BASE, "positive multiple of 4096"),
                Arguments.of(4095L, BASE, "positive multiple of 4096"),
                Arguments.of(4097L, BASE, "positive multiple of 4096"),
                Arguments.of(SIZE, BASE + 1, "4 KiB aligned"),
                Arguments.of(SIZE, 0x800L, "4 KiB aligned"),
                Arguments.of(SIZE, -SIZE + 4096, "overflows"),
                Arguments.of(SIZE, -SIZE, "overflows"));
    }

    @ParameterizedTest
    @MethodSource("badGeometry")
    void refusesBadSizesAndBases(long size, long base, String message) {
        String name = uniqueName();
        assertThatThrownBy(() -> Pool.shm(name, size, base))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
        assertThat(Pool.SHM_DIR.resolve(name)).as("nothing created").doesNotExist();
    }

    @Test
    void aPoolEndingJustBelowTwoToThe64IsFine() throws IOException {
        String name = uniqueName();
        try (Pool pool = Pool.shm(name, SIZE, -SIZE - 4096)) {
            assertThat(pool.physBase()).isEqualTo(-SIZE - 4096);
        }
    }

    @Test
    void closeTwiceIsHarmless() throws IOException {
        String name = uniqueName();
        Pool pool = Pool.shm(name, SIZE, BASE);
        pool.close();
        pool.close();
        assertThat(pool.isClosed()).isTrue();
        assertThat(pool.toString()).contains("closed");
        // the name is free again
        try (Pool again = Pool.shm(name, SIZE, BASE)) {
            assertThat(again.isClosed()).isFalse();
        }
    }

    @Test
    void memoryAfterCloseFailsCleanly() throws IOException {
        String name = uniqueName();
        Pool pool = Pool.shm(name, SIZE, BASE);
        GuestMemory mem = pool.memory();
        mem.writeU32(BASE, 7);
        pool.close();
        assertThatThrownBy(() -> mem.readU32(BASE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> mem.writeU16Release(BASE, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> mem.copyIn(BASE, new byte[4], 0, 4)).isInstanceOf(IllegalStateException.class);
    }
}

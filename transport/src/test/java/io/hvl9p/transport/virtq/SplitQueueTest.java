package io.hvl9p.transport.virtq;

import static io.hvl9p.transport.memory.TestPool.PHYS_BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.memory.TestPool;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SplitQueueTest {
    static final long SIZE = 1 << 20;
    static final int QSIZE = 256;
    static final long DATA = PHYS_BASE + 0x10000;

    private final TestPool pool = TestPool.create(SIZE);
    private final GuestMemory mem = pool.memory();
    private final MockDriver driver = new MockDriver(mem, QSIZE, PHYS_BASE, DATA);
    private final SplitQueue queue = driver.deviceQueue();

    @AfterEach
    void nothingOutsideThePool() {
        assertThat(pool.guardsIntact()).isTrue();
        pool.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Splits {@code data} into pieces of the given sizes (the last piece takes the rest). */
    static List<byte[]> split(byte[] data, int piece) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < data.length; i += piece) {
            out.add(Arrays.copyOfRange(data, i, Math.min(data.length, i + piece)));
        }
        return out;
    }

    static Stream<Arguments> roundTrips() {
        byte[] request = bytes("a request of some forty-odd bytes, more or less");
        byte[] reply = bytes("the reply, scattered over the writable part");
        return Stream.of(
                Arguments.of("one readable descriptor", request, request.length, new byte[0], new int[0], false),
                Arguments.of("one + one", request, request.length, reply, new int[] {64}, false),
                Arguments.of("many", request, 7, reply, new int[] {5, 5, 10, 100}, false),
                Arguments.of("shattered into 1-byte descriptors", request, 1, reply, ones(reply.length), false),
                Arguments.of("indirect one + one", request, request.length, reply, new int[] {64}, true),
                Arguments.of("indirect shattered", request, 1, reply, ones(reply.length), true),
                Arguments.of("reply filling writable exactly", request, 3, reply, new int[] {reply.length}, false));
    }

    static int[] ones(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 1);
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roundTrips")
    void chainsRoundTrip(String name, byte[] request, int piece, byte[] reply, int[] writable, boolean indirect) {
        List<byte[]> readable = split(request, piece);
        MockDriver.Chain sent = indirect ? driver.addIndirect(readable, writable) : driver.add(readable, writable);

        DescriptorChain chain = queue.pop(mem).orElseThrow();
        assertThat(chain.head()).isEqualTo(sent.head());
        assertThat(chain.descriptors()).hasSize(readable.size() + writable.length);
        assertThat(chain.readableLength()).isEqualTo(request.length);
        assertThat(chain.writableLength()).isEqualTo(Arrays.stream(writable).sum());
        assertThat(chain.readAll(mem, request.length)).isEqualTo(request);

        int written = chain.writeAll(mem, ByteBuffer.wrap(reply));
        assertThat(written).isEqualTo(reply.length);
        queue.addUsed(mem, chain.head(), written);

        byte[] got = new byte[reply.length];
        int pos = 0;
        for (int i = 0; i < writable.length && pos < reply.length; i++) {
            int n = Math.min(writable[i], reply.length - pos);
            System.arraycopy(driver.read(sent.writableAddrs().get(i), n), 0, got, pos, n);
            pos += n;
        }
        assertThat(got).isEqualTo(reply);
        assertThat(driver.usedIdx()).isEqualTo(1);
        assertThat(driver.used(0)).isEqualTo(new MockDriver.Used(sent.head(), reply.length));
        assertThat(queue.nextAvail()).isEqualTo(1);
        assertThat(queue.nextUsed()).isEqualTo(1);
        assertThat(queue.pop(mem)).isEmpty();
    }

    @Test
    void emptyQueuePopsNothing() {
        assertThat(queue.pop(mem)).isEmpty();
        assertThat(queue.nextAvail()).isZero();
    }

    @Test
    void completionsOutOfOrderLandInUsedRingOrder() {
        MockDriver.Chain a = driver.add(List.of(bytes("a")), 8);
        MockDriver.Chain b = driver.add(List.of(bytes("b")), 8);
        DescriptorChain ca = queue.pop(mem).orElseThrow();
        DescriptorChain cb = queue.pop(mem).orElseThrow();
        queue.addUsed(mem, cb.head(), 3);
        assertThat(driver.usedIdx()).isEqualTo(1);
        queue.addUsed(mem, ca.head(), 5);
        assertThat(driver.usedIdx()).isEqualTo(2);
        assertThat(driver.used(0)).isEqualTo(new MockDriver.Used(b.head(), 3));
        assertThat(driver.used(1)).isEqualTo(new MockDriver.Used(a.head(), 5));
    }

    @Test
    void indicesWrapAt16Bits() {
        long buf = driver.alloc(4);
        driver.descriptor(0, buf, 4, 0, 0);
        for (int i = 0; i < 70_000; i++) {
            driver.offer(0);
            DescriptorChain c = queue.pop(mem).orElseThrow();
            queue.addUsed(mem, c.head(), i);
        }
        assertThat(queue.nextAvail()).isEqualTo(70_000 & 0xFFFF);
        assertThat(queue.nextUsed()).isEqualTo(70_000 & 0xFFFF);
        assertThat(driver.usedIdx()).isEqualTo(70_000 & 0xFFFF);
        assertThat(driver.used(69_999).len()).isEqualTo(69_999);
        assertThat(queue.pop(mem)).isEmpty();
    }

    @Test
    void chainIsASnapshotAndReadAllACopy() {
        byte[] request = bytes("original");
        driver.add(List.of(request), 8);
        DescriptorChain chain = queue.pop(mem).orElseThrow();
        byte[] copy = chain.readAll(mem, 100);
        long addr = chain.descriptors().get(0).addr();
        // The driver now rewrites the descriptor (to point outside the pool) and the buffer.
        driver.descriptor(chain.head(), -16L, 1 << 30, 0, 0);
        mem.copyIn(addr, bytes("CHANGED!"), 0, 8);
        assertThat(copy).isEqualTo(request);
        assertThat(chain.descriptors().get(0).addr()).isEqualTo(addr);
        assertThat(chain.readAll(mem, 100)).isEqualTo(bytes("CHANGED!"));
    }

    @Test
    void readAllRefusesMoreThanTheCallersMaximum() {
        driver.add(List.of(new byte[100]));
        DescriptorChain chain = queue.pop(mem).orElseThrow();
        assertThatThrownBy(() -> chain.readAll(mem, 99))
                .isInstanceOf(QueueException.class)
                .hasMessageContaining("readable part of 100 bytes (expected: <= 99)");
    }

    @Test
    void writeAllRefusesAReplyThatDoesNotFitAndWritesNothing() {
        MockDriver.Chain sent = driver.add(List.of(bytes("q")), 4, 4);
        DescriptorChain chain = queue.pop(mem).orElseThrow();
        ByteBuffer reply = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThatThrownBy(() -> chain.writeAll(mem, reply))
                .isInstanceOf(QueueException.class)
                .hasMessageContaining("expected: <= 8");
        assertThat(reply.position()).isZero();
        assertThat(driver.read(sent.writableAddrs().get(0), 4)).containsOnly(0);
    }

    @Test
    void legacyLayoutMatchesTheSpec() {
        SplitQueue q = SplitQueue.legacy(256, PHYS_BASE, 4096);
        assertThat(q.descTable()).isEqualTo(PHYS_BASE);
        assertThat(q.availRing()).isEqualTo(PHYS_BASE + 4096);
        // avail ends at 4096 + 6 + 512 = 4614, aligned up to 8192.
        assertThat(q.usedRing()).isEqualTo(PHYS_BASE + 8192);
        assertThat(SplitQueue.legacyBytes(256, 4096)).isEqualTo(8192 + 6 + 8 * 256);
        SplitQueue small = SplitQueue.legacy(4, PHYS_BASE, 4096);
        assertThat(small.availRing()).isEqualTo(PHYS_BASE + 64);
        assertThat(small.usedRing()).isEqualTo(PHYS_BASE + 4096);
        assertThat(driver.usedRingPa()).isEqualTo(queue.usedRing());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 3, 100, 65536, 32769, Integer.MIN_VALUE})
    void refusesSizesThatAreNotAPowerOfTwoUpTo32768(int size) {
        assertThatThrownBy(() -> SplitQueue.legacy(size, PHYS_BASE, 4096))
                .isInstanceOf(QueueException.class)
                .hasMessageContaining("queue size " + size);
        assertThatThrownBy(() -> SplitQueue.of(size, PHYS_BASE, PHYS_BASE + 4096, PHYS_BASE + 8192))
                .isInstanceOf(QueueException.class);
    }

    @Test
    void acceptsTheLargestSize() {
        assertThat(SplitQueue.legacy(32768, PHYS_BASE, 4096).size()).isEqualTo(32768);
    }

    @Test
    void refusesMisalignedRings() {
        assertThatThrownBy(() -> SplitQueue.legacy(16, PHYS_BASE + 16, 4096)).isInstanceOf(QueueException.class);
        assertThatThrownBy(() -> SplitQueue.legacy(16, PHYS_BASE, 3000)).isInstanceOf(QueueException.class);
        assertThatThrownBy(() -> SplitQueue.of(16, PHYS_BASE + 8, PHYS_BASE + 4096, PHYS_BASE + 8192))
                .isInstanceOf(QueueException.class);
        assertThatThrownBy(() -> SplitQueue.of(16, PHYS_BASE, PHYS_BASE + 4097, PHYS_BASE + 8192))
                .isInstanceOf(QueueException.class);
        assertThatThrownBy(() -> SplitQueue.of(16, PHYS_BASE, PHYS_BASE + 4096, PHYS_BASE + 8194))
                .isInstanceOf(QueueException.class);
    }

    static Stream<Arguments> ringsOutside() {
        return Stream.of(
                Arguments.of("below the base", PHYS_BASE - 0x10000, "descriptor table"),
                Arguments.of("used ring beyond the end", PHYS_BASE + SIZE - 8192, "used ring"),
                Arguments.of("all beyond the end", PHYS_BASE + SIZE, "descriptor table"),
                Arguments.of("at the top of the address space", -4096L, "descriptor table"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ringsOutside")
    void refusesRingsOutsideMemory(String name, long ringPa, String which) {
        SplitQueue q = SplitQueue.legacy(QSIZE, ringPa, 4096);
        assertThatThrownBy(() -> q.validate(mem))
                .isInstanceOf(QueueException.class)
                .hasMessageContaining(which);
        assertThatThrownBy(() -> q.pop(mem)).isInstanceOf(QueueException.class);
        assertThatThrownBy(() -> q.addUsed(mem, 0, 0)).isInstanceOf(QueueException.class);
    }

    @Test
    void addUsedRefusesAHeadOutOfRange() {
        assertThatThrownBy(() -> queue.addUsed(mem, QSIZE, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(driver.usedIdx()).isZero();
    }
}

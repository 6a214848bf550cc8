package io.hvl9p.transport.virtq;

import static io.hvl9p.transport.memory.TestPool.PHYS_BASE;
import static io.hvl9p.transport.virtq.DescriptorChain.F_INDIRECT;
import static io.hvl9p.transport.virtq.DescriptorChain.F_NEXT;
import static io.hvl9p.transport.virtq.DescriptorChain.F_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.memory.TestPool;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a driver can break a ring or a chain (hvl-transport.md 4.4): each must end in a
 * {@link QueueException} naming the problem, and nothing outside the pool may be touched (the pool
 * is a slice, so an access outside it would be an IndexOutOfBoundsException, and the guard pages
 * around it are checked after every test).
 */
class HostileChainTest {
    static final long SIZE = 2 << 20;
    static final int QSIZE = 16;
    static final long DATA = PHYS_BASE + 0x10000;
    static final long END = PHYS_BASE + SIZE;

    private final TestPool pool = TestPool.create(SIZE);
    private final GuestMemory mem = pool.memory();
    private final MockDriver driver = new MockDriver(mem, QSIZE, PHYS_BASE, DATA);
    private final SplitQueue queue = driver.deviceQueue();

    @AfterEach
    void nothingOutsideThePool() {
        assertThat(pool.guardsIntact()).isTrue();
        pool.close();
    }

    /** A hostile setup: writes descriptors and offers a head. */
    record Case(String name, Consumer<MockDriver> setup, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case of(String name, String message, Consumer<MockDriver> setup) {
        return new Case(name, setup, message);
    }

    /** An indirect table of {@code n} entries, all readable 1-byte buffers chained 0 → 1 → ... */
    static long indirectTable(MockDriver d, int n) {
        long table = d.alloc(16L * n);
        long buf = d.alloc(16);
        for (int i = 0; i < n; i++) {
            d.writeDescriptor(table, i, buf, 1, i + 1 < n ? F_NEXT : 0, i + 1 < n ? i + 1 : 0);
        }
        return table;
    }

    static Stream<Case> hostile() {
        return Stream.of(
                of("loop: next points back", "chain longer than the queue size 16", d -> {
                    long b = d.alloc(8);
                    d.descriptor(0, b, 8, F_NEXT, 1);
                    d.descriptor(1, b, 8, F_NEXT, 0);
                    d.offer(0);
                }),
                of("self loop", "chain longer than the queue size", d -> {
                    d.descriptor(3, d.alloc(8), 8, F_NEXT, 3);
                    d.offer(3);
                }),
                of("chain through every descriptor and around", "descriptor 0 of chain 0: chain longer", d -> {
                    long b = d.alloc(8);
                    for (int i = 0; i < QSIZE; i++) {
                        d.descriptor(i, b, 8, F_NEXT, (i + 1) % QSIZE);
                    }
                    d.offer(0);
                }),
                of("next index out of range", "next index 16 out of range (expected: < 16)", d -> {
                    d.descriptor(0, d.alloc(8), 8, F_NEXT, 16);
                    d.offer(0);
                }),
                of("next index 0xffff", "next index 65535 out of range", d -> {
                    d.descriptor(0, d.alloc(8), 8, F_NEXT, 0xFFFF);
                    d.offer(0);
                }),
                of("head index out of range", "head index 16 out of range (expected: < 16)", d -> d.offer(16)),
                of("head index 0xffff", "head index 65535 out of range", d -> d.offer(0xFFFF)),
                of("addr below the base", "below the pool base", d -> {
                    d.descriptor(0, PHYS_BASE - 16, 8, 0, 0);
                    d.offer(0);
                }),
                of("addr zero", "below the pool base", d -> {
                    d.descriptor(0, 0, 8, 0, 0);
                    d.offer(0);
                }),
                of("addr beyond the end", "beyond the pool", d -> {
                    d.descriptor(0, END, 1, 0, 0);
                    d.offer(0);
                }),
                of("buffer straddling the end", "beyond the pool", d -> {
                    d.descriptor(0, END - 4, 8, F_WRITE, 0);
                    d.offer(0);
                }),
                of("addr + len overflows 64 bits", "overflows 64 bits", d -> {
                    d.descriptor(0, -16L, 0xFFFF_FFFFL, 0, 0);
                    d.offer(0);
                }),
                of("writable before readable", "device-readable after device-writable", d -> {
                    long b = d.alloc(8);
                    d.descriptor(0, b, 8, F_WRITE | F_NEXT, 1);
                    d.descriptor(1, b, 8, 0, 0);
                    d.offer(0);
                }),
                of("zero-length writable before readable", "device-readable after device-writable", d -> {
                    long b = d.alloc(8);
                    d.descriptor(0, b, 0, F_WRITE | F_NEXT, 1);
                    d.descriptor(1, b, 8, 0, 0);
                    d.offer(0);
                }),
                of("indirect inside indirect", "indirect descriptor inside an indirect table", d -> {
                    long inner = indirectTable(d, 2);
                    long outer = d.alloc(16);
                    d.writeDescriptor(outer, 0, inner, 32, F_INDIRECT, 0);
                    d.descriptor(0, outer, 16, F_INDIRECT, 0);
                    d.offer(0);
                }),
                of("indirect with NEXT", "INDIRECT together with NEXT", d -> {
                    d.descriptor(0, indirectTable(d, 2), 32, F_INDIRECT | F_NEXT, 1);
                    d.descriptor(1, d.alloc(8), 8, 0, 0);
                    d.offer(0);
                }),
                of(
                        "indirect length not a multiple of 16",
                        "indirect table length 24 (expected: a non-zero multiple",
                        d -> {
                            d.descriptor(0, indirectTable(d, 2), 24, F_INDIRECT, 0);
                            d.offer(0);
                        }),
                of("indirect length zero", "indirect table length 0 (expected: a non-zero multiple", d -> {
                    d.descriptor(0, indirectTable(d, 2), 0, F_INDIRECT, 0);
                    d.offer(0);
                }),
                of("indirect table beyond the end", "indirect table [0x", d -> {
                    d.descriptor(0, END - 16, 32, F_INDIRECT, 0);
                    d.offer(0);
                }),
                of("indirect table below the base", "below the pool base", d -> {
                    d.descriptor(0, PHYS_BASE - 4096, 64, F_INDIRECT, 0);
                    d.offer(0);
                }),
                of("indirect table with too many entries", "entries (expected: <= 32768)", d -> {
                    d.descriptor(0, PHYS_BASE, 16L * 32769, F_INDIRECT, 0);
                    d.offer(0);
                }),
                of("loop inside an indirect table", "longer than its indirect table (4 entries)", d -> {
                    long t = indirectTable(d, 4);
                    d.writeDescriptor(t, 3, d.alloc(1), 1, F_NEXT, 0);
                    d.descriptor(0, t, 64, F_INDIRECT, 0);
                    d.offer(0);
                }),
                of("next out of range inside an indirect table", "next index 2 out of range (expected: < 2)", d -> {
                    long t = indirectTable(d, 2);
                    d.writeDescriptor(t, 1, d.alloc(1), 1, F_NEXT, 2);
                    d.descriptor(0, t, 32, F_INDIRECT, 0);
                    d.offer(0);
                }),
                of("buffer outside memory inside an indirect table", "indirect descriptor 1 of chain 0: buffer", d -> {
                    long t = indirectTable(d, 2);
                    d.writeDescriptor(t, 1, END, 16, 0, 0);
                    d.descriptor(0, t, 32, F_INDIRECT, 0);
                    d.offer(0);
                }),
                of(
                        "total length over 2^32 - 1",
                        "indirect descriptor 4095 of chain 0: total chain length 4294967296 (expected: <= 4294967295)",
                        d -> {
                            // 4097 descriptors of 1 MiB each, all over the same memory: each one is inside the
                            // pool, their sum is not representable in the used ring's le32 len.
                            int n = 4097;
                            long t = d.alloc(16L * n);
                            for (int i = 0; i < n; i++) {
                                d.writeDescriptor(
                                        t, i, PHYS_BASE, 1 << 20, i + 1 < n ? F_NEXT : 0, i + 1 < n ? i + 1 : 0);
                            }
                            d.descriptor(0, t, 16L * n, F_INDIRECT, 0);
                            d.offer(0);
                        }),
                of(
                        "avail idx jumps by more than the queue size",
                        "is 17 ahead of next_avail 0 (expected: <= queue size 16)",
                        d -> d.setAvailIdx(QSIZE + 1)),
                of("avail idx runs backwards", "is 65535 ahead of next_avail 0", d -> d.setAvailIdx(0xFFFF)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileRingsAreRefused(Case c) {
        c.setup().accept(driver);
        assertThatThrownBy(() -> queue.pop(mem))
                .isInstanceOf(QueueException.class)
                .hasMessageContaining(c.message());
        assertThat(driver.usedIdx()).isZero();
    }

    @Test
    void theSameChainsAreAcceptedWhenWellFormed() {
        // Guards against a table whose cases fail for the wrong reason: the builders used above
        // produce valid chains when nothing is broken.
        driver.descriptor(0, indirectTable(driver, 4), 64, F_INDIRECT, 0);
        driver.offer(0);
        long b = driver.alloc(8);
        driver.descriptor(1, b, 8, F_NEXT, 2);
        driver.descriptor(2, b, 8, F_WRITE, 0);
        driver.offer(1);
        driver.setAvailIdx(2);
        assertThat(queue.pop(mem).orElseThrow().descriptors()).hasSize(4);
        assertThat(queue.pop(mem).orElseThrow().descriptors()).hasSize(2);
        assertThat(queue.pop(mem)).isEmpty();
    }

    @Test
    void availIdxExactlyTheQueueSizeAheadIsAccepted() {
        long b = driver.alloc(8);
        driver.descriptor(0, b, 8, 0, 0);
        for (int i = 0; i < QSIZE; i++) {
            driver.offer(0);
        }
        for (int i = 0; i < QSIZE; i++) {
            assertThat(queue.pop(mem)).isPresent();
        }
        assertThat(queue.pop(mem)).isEmpty();
    }
}

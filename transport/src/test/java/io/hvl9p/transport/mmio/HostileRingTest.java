package io.hvl9p.transport.mmio;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.mmio.HvlRig.Desc;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A front-end that writes nonsense into a running queue's rings (4.4): every index, length, address
 * and chain is validated; a broken ring ends in DEVICE_NEEDS_RESET of that device only, nothing is
 * completed into it, and nothing outside the pool is touched (the rig checks its guard areas).
 */
@Timeout(60)
class HostileRingTest {
    /** The victim's queue size in these tests. */
    private static final int SIZE = 8;

    private static final int NEXT = Desc.NEXT;
    private static final int WRITE = Desc.WRITE;
    private static final int INDIRECT = Desc.INDIRECT;

    /** The victim initialised with one queue of {@link #SIZE}, working. */
    private static DriverQueue running(HostileFixture f) throws IOException {
        f.victim().initialize(new int[] {SIZE}, 1);
        DriverQueue q = f.victim().queue(0);
        HvlRig.echoes(q, 2);
        return q;
    }

    /** A readable buffer in the scratch area. */
    private static long req(HostileFixture f) {
        return f.a.scratch();
    }

    /** A writable buffer in the scratch area. */
    private static long reply(HostileFixture f) {
        return f.a.scratch() + 0x1000;
    }

    /** Where indirect tables go: the second half of the scratch area. */
    private static long table(HostileFixture f) {
        return f.a.scratch() + 0x10000;
    }

    private static long poolEnd(HostileFixture f) {
        return f.a.mem.physBase() + HvlRig.SIZE;
    }

    /** Makes {@code head} available with {@code descs} in the table, then checks containment. */
    private static void attack(HostileFixture f, DriverQueue q, List<Desc> descs, int head, String... reason)
            throws IOException {
        int usedBefore = HvlRig.usedIdx(f.a.mem, q);
        HvlRig.inject(f.a.mem, f.victim(), q, descs, head);
        f.a.await(0, DeviceState::needsReset, "DEVICE_NEEDS_RESET");
        assertThat(HvlRig.usedIdx(f.a.mem, q))
                .as("a broken chain is never completed")
                .isEqualTo(usedBefore);
        f.assertContained(reason);
    }

    private static void attack(HostileFixture f, List<Desc> descs, String... reason) throws IOException {
        attack(f, running(f), descs, 0, reason);
    }

    /** A chain whose head is an indirect descriptor for {@code entries}, written at {@link #table}. */
    private static void attackIndirect(HostileFixture f, List<Desc> entries, String... reason) throws IOException {
        DriverQueue q = running(f);
        HvlRig.writeTable(f.a.mem, table(f), entries);
        attack(f, q, List.of(new Desc(table(f), 16L * entries.size(), INDIRECT, 0)), 0, reason);
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void controlAValidIndirectChainInjectedTheSameWayIsServed(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            DriverQueue q = running(f);
            f.a.mem.copyIn(req(f), new byte[] {1, 2, 3, 4}, 0, 4);
            HvlRig.writeTable(
                    f.a.mem, table(f), List.of(new Desc(req(f), 4, NEXT, 1), new Desc(reply(f), 16, WRITE, 0)));
            int used = HvlRig.usedIdx(f.a.mem, q);
            HvlRig.inject(f.a.mem, f.victim(), q, List.of(new Desc(table(f), 32, INDIRECT, 0)), 0);
            HvlRig.await(() -> HvlRig.usedIdx(f.a.mem, q) == used + 1, "the injected chain completed");
            byte[] got = new byte[4];
            f.a.mem.copyOut(reply(f), got, 0, 4);
            assertThat(got).containsExactly(1, 2, 3, 4);
            assertThat(f.a.state(0).needsReset()).isFalse();
            assertThat(f.a.state(0).running()).isTrue();
        }
    }

    static Stream<Arguments> availJumps() {
        return Stream.of(PoolLayout.Kind.values())
                .flatMap(k -> Stream.of(SIZE + 1, 0x8000, 0xFFFF).map(j -> Arguments.of(k, j)));
    }

    @ParameterizedTest
    @MethodSource("availJumps")
    void availIndexJumpingMoreThanTheQueueSize(PoolLayout.Kind kind, int jump) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            DriverQueue q = running(f);
            int used = HvlRig.usedIdx(f.a.mem, q);
            int idx = f.a.mem.readU16Acquire(q.availRingPa() + 2);
            f.a.mem.writeU16Release(q.availRingPa() + 2, (idx + jump) & 0xFFFF);
            f.regs().writeReg(Regs.QUEUE_NOTIFY, 0);
            f.regs().kick();
            f.a.await(0, DeviceState::needsReset, "DEVICE_NEEDS_RESET");
            assertThat(HvlRig.usedIdx(f.a.mem, q)).isEqualTo(used);
            f.assertContained("available index " + ((idx + jump) & 0xFFFF), jump + " ahead");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void descriptorLoopNextPointingBack(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            attack(
                    f,
                    List.of(new Desc(req(f), 8, NEXT, 1), new Desc(req(f), 8, NEXT, 0)),
                    "longer than the queue size " + SIZE,
                    "loop");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void descriptorPointingAtItself(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            attack(f, List.of(new Desc(req(f), 8, NEXT, 0)), "longer than the queue size " + SIZE, "loop");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void chainLongerThanTheQueue(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            // every descriptor of the table once, then back into the middle: SIZE + n descriptors
            List<Desc> descs = new ArrayList<>();
            for (int i = 0; i < SIZE; i++) {
                descs.add(new Desc(req(f), 1, NEXT, i + 1 < SIZE ? i + 1 : 3));
            }
            attack(f, descs, "descriptor 3 of chain 0", "longer than the queue size " + SIZE);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void chainLongerThanItsIndirectTable(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            attackIndirect(
                    f,
                    List.of(
                            new Desc(req(f), 1, NEXT, 1),
                            new Desc(req(f), 1, NEXT, 2),
                            new Desc(req(f), 1, NEXT, 3),
                            new Desc(req(f), 1, NEXT, 1)),
                    "longer than its indirect table (4 entries)");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void indirectDescriptorInsideAnIndirectTable(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            // the inner one points at a perfectly valid table (the outer one itself)
            attackIndirect(
                    f,
                    List.of(new Desc(req(f), 8, NEXT, 1), new Desc(table(f), 32, INDIRECT, 0)),
                    "indirect descriptor inside an indirect table");
        }
    }

    static Stream<Arguments> badIndirectLengths() {
        return Stream.of(PoolLayout.Kind.values())
                .flatMap(k -> Stream.of(0L, 8L, 24L, 0xFFFF_FFF0L + 1).map(n -> Arguments.of(k, n)));
    }

    @ParameterizedTest
    @MethodSource("badIndirectLengths")
    void indirectTableLengthZeroOrNotAMultipleOf16(PoolLayout.Kind kind, long len) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            HvlRig.writeTable(f.a.mem, table(f), List.of(new Desc(req(f), 8, 0, 0), new Desc(req(f), 8, 0, 0)));
            attack(
                    f,
                    List.of(new Desc(table(f), len, INDIRECT, 0)),
                    "indirect table length " + len,
                    "non-zero multiple of 16");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void indirectTableWithMoreEntriesThanAQueueMayHave(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            attack(f, List.of(new Desc(req(f), 16L * 32769, INDIRECT, 0)), "indirect table of 32769 entries");
        }
    }

    static Stream<Arguments> indirectTablesOutsideThePool() {
        return Stream.of(PoolLayout.Kind.values())
                .flatMap(k -> Stream.of("straddling the end", "after the end", "before the start", "all ones")
                        .map(w -> Arguments.of(k, w)));
    }

    @ParameterizedTest
    @MethodSource("indirectTablesOutsideThePool")
    void indirectTableOutsideThePool(PoolLayout.Kind kind, String where) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            long at =
                    switch (where) {
                        case "straddling the end" -> poolEnd(f) - 16;
                        case "after the end" -> poolEnd(f);
                        case "before the start" -> f.a.mem.physBase() - 0x100;
                        default -> -1L;
                    };
            attack(
                    f,
                    List.of(new Desc(at, 32, INDIRECT, 0)),
                    "indirect table [0x" + Long.toHexString(at),
                    "outside guest memory");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void indirectTogetherWithNext(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            HvlRig.writeTable(f.a.mem, table(f), List.of(new Desc(req(f), 8, 0, 0)));
            attack(
                    f,
                    List.of(new Desc(table(f), 16, INDIRECT | NEXT, 1), new Desc(reply(f), 8, WRITE, 0)),
                    "INDIRECT together with NEXT");
        }
    }

    static Stream<Arguments> addressesOutsideThePool() {
        return Stream.of(PoolLayout.Kind.values()).flatMap(k -> Stream.of(
                        "before the start",
                        "after the end",
                        "straddling the end",
                        "32-bit all ones",
                        "64-bit all ones",
                        "zero")
                .map(w -> Arguments.of(k, w)));
    }

    private static long outside(HostileFixture f, String where) {
        return switch (where) {
            case "before the start" -> f.a.mem.physBase() - 0x1000;
            case "after the end" -> poolEnd(f);
            case "straddling the end" -> poolEnd(f) - 8;
            // a failed OpenAMP bounce (3a.8): METAL_BAD_PHYS of a 32- or 64-bit metal_phys_addr_t
            case "32-bit all ones" -> 0xFFFF_FFFFL;
            case "64-bit all ones" -> -1L;
            case "zero" -> 0L;
            default -> throw new IllegalArgumentException(where);
        };
    }

    @ParameterizedTest
    @MethodSource("addressesOutsideThePool")
    void readableDescriptorOutsideThePool(PoolLayout.Kind kind, String where) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            long at = outside(f, where);
            attack(
                    f,
                    List.of(new Desc(at, 16, NEXT, 1), new Desc(reply(f), 16, WRITE, 0)),
                    "descriptor 0 of chain 0",
                    "buffer [0x" + Long.toHexString(at),
                    "outside guest memory");
        }
    }

    @ParameterizedTest
    @MethodSource("addressesOutsideThePool")
    void writableDescriptorOutsideThePool(PoolLayout.Kind kind, String where) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            // the readable part is fine: a device that did not validate would echo it out there,
            // into the rig's guard area for "after the end" and "before the start"
            f.a.mem.copyIn(req(f), new byte[] {9, 9, 9, 9}, 0, 4);
            long at = outside(f, where);
            attack(
                    f,
                    List.of(new Desc(req(f), 4, NEXT, 1), new Desc(at, 16, WRITE, 0)),
                    "descriptor 1 of chain 0",
                    "buffer [0x" + Long.toHexString(at),
                    "outside guest memory");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void bounceFailureInAnIndirectTable(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            attackIndirect(
                    f,
                    List.of(new Desc(req(f), 8, NEXT, 1), new Desc(-1L, 8, WRITE, 0)),
                    "indirect descriptor 1 of chain 0",
                    "buffer [0xffffffffffffffff",
                    "outside guest memory");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void addrPlusLenOverflowing64Bits(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            attack(f, List.of(new Desc(0xFFFF_FFFF_FFFF_F000L, 0x2000, 0, 0)), "overflows 64 bits");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void indirectTableAddrPlusLenOverflowing64Bits(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            attack(f, List.of(new Desc(0xFFFF_FFFF_FFFF_FFF0L, 0x20, INDIRECT, 0)), "indirect table", "overflows");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void totalLengthOver4GiB(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            // every descriptor is the whole pool, valid on its own; 2048 of them are 2^32 bytes, one
            // more than a used length can say
            int n = (int) ((1L << 32) / HvlRig.SIZE);
            List<Desc> entries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                entries.add(new Desc(f.a.mem.physBase(), HvlRig.SIZE, i + 1 < n ? NEXT : 0, i + 1));
            }
            attackIndirect(f, entries, "indirect descriptor " + (n - 1), "total chain length " + (1L << 32));
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void writableDescriptorBeforeAReadableOne(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            attack(
                    f,
                    List.of(new Desc(reply(f), 16, WRITE | NEXT, 1), new Desc(req(f), 16, 0, 0)),
                    "descriptor 1 of chain 0",
                    "device-readable after device-writable");
        }
    }

    static Stream<Arguments> badIndices() {
        return Stream.of(PoolLayout.Kind.values())
                .flatMap(k -> Stream.of(SIZE, SIZE + 1, 0xFFFF).map(i -> Arguments.of(k, i)));
    }

    @ParameterizedTest
    @MethodSource("badIndices")
    void headIndexBeyondTheQueueInTheAvailRing(PoolLayout.Kind kind, int head) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            attack(
                    f,
                    running(f),
                    List.of(new Desc(req(f), 8, 0, 0)),
                    head,
                    "head index " + head + " out of range (expected: < " + SIZE + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("badIndices")
    void nextIndexBeyondTheQueue(PoolLayout.Kind kind, int next) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            attack(
                    f,
                    List.of(new Desc(req(f), 8, NEXT, next)),
                    "descriptor 0 of chain 0",
                    "next index " + next + " out of range (expected: < " + SIZE + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void nextIndexBeyondItsIndirectTable(PoolLayout.Kind kind) throws Exception {
        try (HostileFixture f = new HostileFixture(kind)) {
            // 4 inside the queue size, but outside the table of 2 (beyond it: the reply buffer)
            attackIndirect(
                    f,
                    List.of(new Desc(req(f), 8, NEXT, 1), new Desc(reply(f), 8, WRITE | NEXT, 4)),
                    "indirect descriptor 1 of chain 0",
                    "next index 4 out of range (expected: < 2)");
        }
    }
}

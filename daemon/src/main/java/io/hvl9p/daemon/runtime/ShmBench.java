package io.hvl9p.daemon.runtime;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.transport.doorbell.Doorbells;
import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.driver.DriverDevice;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.pool.Pool;
import io.hvl9p.virtio9p.Virtio9pDevice;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The runtime side of {@code hvl9p bench-shm}, run in a process of its own: in each round, one
 * after the other, a raw shared-memory ping-pong with the daemon, Tgetattr round trips through
 * shared memory (with and without polling) and over TCP loopback to the same daemon, sequential
 * Tread throughput through shared memory and over TCP, and a plain memory copy of the same size.
 * Medians over the rounds, so every number of one table comes from the same run.
 */
public final class ShmBench {
    /** Word offsets in the ping-pong page: the client's sequence, the echo, the "active" flag. */
    public static final int PING = 0;

    public static final int PONG = 64;
    public static final int ACTIVE = 128;
    public static final int STOP = 192;

    /** One shared-memory runtime to measure: its pool, doorbell and what it is called in the table. */
    public record Target(String label, String pool, String doorbell, long spinNanos) {}

    private final List<Target> targets;
    private final String pingPool;
    private final int tcpPort;
    private final String file;
    private java.nio.file.Path hostFile;
    private final int rounds;
    private final long nanos;
    private final int msize;

    public ShmBench(
            List<Target> targets, String pingPool, int tcpPort, String file, int rounds, double seconds, int msize) {
        this.targets = targets;
        this.pingPool = pingPool;
        this.tcpPort = tcpPort;
        this.file = file;
        this.rounds = rounds;
        this.nanos = (long) (seconds * 1e9);
        this.msize = msize;
    }

    /** The big file's host path, for the page-cache read limit (null: that row is left out). */
    public ShmBench hostFile(java.nio.file.Path p) {
        this.hostFile = p;
        return this;
    }

    /** Results of one scenario in one round. */
    record Sample(double p50us, double p99us, double opsPerSec, double mibPerSec) {}

    public int run(PrintStream out) throws IOException {
        List<String> names = new ArrayList<>();
        List<List<Sample>> samples = new ArrayList<>();
        try (Pool ping = Pool.openShm(pingPool, 0)) {
            List<AutoCloseable> open = new ArrayList<>();
            try {
                List<Exchange> shm = new ArrayList<>();
                for (Target t : targets) {
                    shm.add(shmExchange(t, open));
                }
                Exchange tcp = new Exchange.Tcp(new InetSocketAddress("127.0.0.1", tcpPort), msize);
                open.add(tcp);
                List<Exchange> all = new ArrayList<>(shm);
                all.add(tcp);
                List<Fid[]> fids = new ArrayList<>();
                for (Exchange e : all) {
                    fids.add(setUp(e));
                }
                for (int round = 0; round <= rounds; round++) { // round 0 warms up and is dropped
                    List<Sample> row = new ArrayList<>();
                    List<String> rowNames = new ArrayList<>();
                    rowNames.add("raw shared-memory ping-pong (both sides spinning)");
                    row.add(pingPong(ping.memory()));
                    for (int i = 0; i < all.size(); i++) {
                        String label = i < targets.size() ? targets.get(i).label() : "TCP loopback";
                        rowNames.add("Tgetattr, " + label);
                        row.add(getattr(all.get(i), fids.get(i)[0]));
                    }
                    for (int i = 0; i < all.size(); i++) {
                        String label = i < targets.size() ? targets.get(i).label() : "TCP loopback";
                        rowNames.add("Tread " + (msize - MiscConstants.IOHDRSZ) + " B sequential, " + label);
                        row.add(read(all.get(i), fids.get(i)[1]));
                    }
                    rowNames.add("memory copy of " + (msize - MiscConstants.IOHDRSZ) + " B (the limit)");
                    row.add(memcpy(msize - MiscConstants.IOHDRSZ));
                    if (hostFile != null) {
                        rowNames.add("pread of " + (msize - MiscConstants.IOHDRSZ) + " B from the page cache, no 9P");
                        row.add(pread(msize - MiscConstants.IOHDRSZ));
                    }
                    if (round > 0) {
                        samples.add(row);
                        names = rowNames;
                    }
                    System.err.println("bench-shm: round " + round + (round == 0 ? " (warm-up) done" : " done"));
                }
            } finally {
                for (int i = open.size() - 1; i >= 0; i--) {
                    try {
                        open.get(i).close();
                    } catch (Exception e) {
                        // closing at exit
                    }
                }
            }
            ping.memory().writeU32Release(ping.physBase() + STOP, 1);
        }
        report(out, names, samples);
        return 0;
    }

    private Exchange shmExchange(Target t, List<AutoCloseable> open) throws IOException {
        Pool pool = Pool.openShm(t.pool(), 0x37000000L);
        open.add(pool);
        DriverDoorbell db = Doorbells.driver(t.doorbell());
        open.add(db);
        FrontEnd fe = FrontEnd.attach(
                pool.memory(),
                FrontEnd.headers(pool.memory(), PoolLayout.Kind.DTB),
                db,
                FrontEnd.Options.defaults().withSpinNanos(t.spinNanos()));
        open.add(fe);
        DriverDevice d = fe.device(0);
        d.initialize(new int[] {8}, Virtio9pDevice.F_MOUNT_TAG);
        Exchange e = new Exchange.Shm(d.queue(0), pool.memory(), d.memory(), msize);
        open.add(e);
        return e;
    }

    /** Tversion, Tattach, a fid on the big file (getattr) and one opened for reading. */
    private Fid[] setUp(Exchange e) throws IOException {
        e.call(new TMessage.Tversion(msize, P9String.of(MiscConstants.VERSION_9P2000_L)), msize);
        Fid root = new Fid(1);
        e.call(
                new TMessage.Tattach(root, Fid.NOFID, P9String.of("root"), P9String.of(""), MiscConstants.NONUNAME),
                msize);
        Fid stat = new Fid(2);
        e.call(new TMessage.Twalk(root, stat, List.of(P9Name.of(file))), msize);
        Fid data = new Fid(3);
        e.call(new TMessage.Twalk(root, data, List.of(P9Name.of(file))), msize);
        e.call(new TMessage.Tlopen(data, OpenFlags.RDONLY), msize);
        return new Fid[] {stat, data};
    }

    private Sample getattr(Exchange e, Fid fid) throws IOException {
        ByteBuffer frame = MessageEncoder.encode(7, new TMessage.Tgetattr(fid, GetattrMask.BASIC));
        long[] lat = new long[1 << 20];
        int n = 0;
        long start = System.nanoTime();
        long end = start + nanos;
        long now = start;
        while (now < end && n < lat.length) {
            e.exchange(frame, 11);
            long t = System.nanoTime();
            lat[n++] = t - now;
            now = t;
        }
        return latency(lat, n, now - start);
    }

    private Sample read(Exchange e, Fid fid) throws IOException {
        int count = msize - MiscConstants.IOHDRSZ;
        long offset = 0;
        long bytes = 0;
        long start = System.nanoTime();
        long end = start + nanos;
        long now = start;
        while (now < end) {
            ByteBuffer frame = MessageEncoder.encode(8, new TMessage.Tread(fid, offset, count));
            ByteBuffer r = e.exchange(frame, 11);
            int got = r.getInt(7);
            if (r.get(4) != 117 || got < 0) { // Rread
                throw new IOException("Tread at " + offset + " failed (type " + r.get(4) + ")");
            }
            if (got == 0) {
                offset = 0; // end of file: start over, it is in the page cache
            } else {
                offset += got;
                bytes += got;
            }
            now = System.nanoTime();
        }
        return new Sample(0, 0, 0, bytes / 1048576.0 / ((now - start) / 1e9));
    }

    private Sample memcpy(int size) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment src = a.allocate(size, 4096);
            MemorySegment dst = a.allocate(size, 4096);
            src.fill((byte) 1);
            long bytes = 0;
            long start = System.nanoTime();
            long end = start + nanos;
            long now = start;
            while (now < end) {
                MemorySegment.copy(src, 0, dst, 0, size);
                bytes += size;
                now = System.nanoTime();
            }
            return new Sample(0, 0, 0, bytes / 1048576.0 / ((now - start) / 1e9));
        }
    }

    /** The file system's own limit: the same sequential reads, straight from the page cache. */
    private Sample pread(int size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(size);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(hostFile)) {
            long offset = 0;
            long bytes = 0;
            long start = System.nanoTime();
            long end = start + nanos;
            long now = start;
            while (now < end) {
                buf.clear();
                int got = ch.read(buf, offset);
                if (got <= 0) {
                    offset = 0;
                } else {
                    offset += got;
                    bytes += got;
                }
                now = System.nanoTime();
            }
            return new Sample(0, 0, 0, bytes / 1048576.0 / ((now - start) / 1e9));
        }
    }

    private Sample pingPong(GuestMemory mem) {
        long base = mem.physBase();
        mem.writeU32Release(base + ACTIVE, 1);
        long[] lat = new long[1 << 20];
        int n = 0;
        int seq = mem.readU32Acquire(base + PONG);
        long start = System.nanoTime();
        long end = start + Math.min(nanos, 500_000_000L);
        long now = start;
        while (now < end && n < lat.length) {
            seq++;
            mem.writeU32Release(base + PING, seq);
            while (mem.readU32Acquire(base + PONG) != seq) {
                Thread.onSpinWait();
            }
            long t = System.nanoTime();
            lat[n++] = t - now;
            now = t;
        }
        mem.writeU32Release(base + ACTIVE, 0);
        return latency(lat, n, now - start);
    }

    private static Sample latency(long[] lat, int n, long elapsed) {
        long[] s = Arrays.copyOf(lat, n);
        Arrays.sort(s);
        double p50 = s[n / 2] / 1000.0;
        double p99 = s[Math.min(n - 1, (int) (n * 0.99))] / 1000.0;
        return new Sample(p50, p99, n / (elapsed / 1e9), 0);
    }

    private void report(PrintStream out, List<String> names, List<List<Sample>> rows) {
        out.printf(
                "bench-shm: %d rounds of %.1f s per scenario, msize %d, medians over rounds%n",
                rounds, nanos / 1e9, msize);
        out.printf("%-62s %10s %10s %12s %12s%n", "scenario", "p50 us", "p99 us", "ops/s", "MiB/s");
        for (int i = 0; i < names.size(); i++) {
            final int k = i;
            double p50 = median(rows, r -> r.get(k).p50us());
            double p99 = median(rows, r -> r.get(k).p99us());
            double ops = median(rows, r -> r.get(k).opsPerSec());
            double mib = median(rows, r -> r.get(k).mibPerSec());
            out.printf(
                    "%-62s %10s %10s %12s %12s%n",
                    names.get(i),
                    p50 > 0 ? String.format("%.2f", p50) : "",
                    p99 > 0 ? String.format("%.2f", p99) : "",
                    ops > 0 ? String.format("%.0f", ops) : "",
                    mib > 0 ? String.format("%.0f", mib) : "");
        }
    }

    private static double median(List<List<Sample>> rows, ToDoubleFunction<List<Sample>> f) {
        double[] v = rows.stream().mapToDouble(f).sorted().toArray();
        return v.length == 0 ? 0 : v[v.length / 2];
    }
}

package io.hvl9p.virtio9p;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.server.Connection;
import io.hvl9p.server.Server;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.transport.doorbell.Doorbells;
import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.driver.DriverDevice;
import io.hvl9p.transport.driver.DriverQueue;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.layout.DeviceSpec;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.mmio.PoolController;
import io.hvl9p.transport.pool.Pool;
import io.hvl9p.virtio9p.client.VirtioFrameChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Both sides of one virtio-9p device in one process, through the real shared-memory transport:
 * an export in a temporary directory served by a {@link Server} on {@link LinuxBackend}, a
 * {@link Virtio9pDevice} in a console-less pool in {@code /dev/shm}, a FIFO doorbell, the pool's
 * {@link PoolController}, and the Java front-end ({@link FrontEnd}, OpenAMP sequence) on a second
 * mapping of the pool. {@link #close} tears everything down and then checks for leaks: no fid
 * left in a live session, no file descriptor, no shm file, no FIFO.
 */
final class ShmRig implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final long PHYS_BASE = 0x7000_0000L;
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** What a rig is made of; start from {@link #of} and change with the {@code with} methods. */
    record Config(
            PoolLayout.Kind kind,
            long memory,
            int queueSize,
            FrontEnd.Options options,
            Duration lockWait,
            int msize,
            int devices,
            boolean leakCheck) {
        static Config of(PoolLayout.Kind kind) {
            return new Config(
                    kind, 2L << 20, 16, FrontEnd.Options.defaults(), Duration.ofSeconds(20), 64 * 1024, 1, true);
        }

        /** Device memory (in {@code dtb}: per device, header included). */
        Config withMemory(long v) {
            return new Config(kind, v, queueSize, options, lockWait, msize, devices, leakCheck);
        }

        Config withQueueSize(int v) {
            return new Config(kind, memory, v, options, lockWait, msize, devices, leakCheck);
        }

        Config withOptions(FrontEnd.Options v) {
            return new Config(kind, memory, queueSize, v, lockWait, msize, devices, leakCheck);
        }

        Config withLockWait(Duration v) {
            return new Config(kind, memory, queueSize, options, v, msize, devices, leakCheck);
        }

        Config withMsize(int v) {
            return new Config(kind, memory, queueSize, options, lockWait, v, devices, leakCheck);
        }

        /**
         * {@code n} 9p devices (tags share, share1, ...) on the same export: one session each. The
         * QueuePFN ACK is then awaited without OpenAMP's strictness: every interrupt runs every
         * device's handler, and the one for device 0's last ACK may still be running when device 1
         * starts its set-up (a race of the front-end simulator, not of the back-end).
         */
        Config withDevices(int n) {
            return new Config(
                    kind,
                    memory,
                    queueSize,
                    options.withStrictAck(n == 1 && options.strictAck()),
                    lockWait,
                    msize,
                    n,
                    leakCheck);
        }

        Config withoutLeakCheck() {
            return new Config(kind, memory, queueSize, options, lockWait, msize, devices, false);
        }
    }

    static {
        // One-time JVM resources (jar files, pollers) must not count as a rig's leak.
        try (ShmRig warm = start(Config.of(PoolLayout.Kind.PACKED).withoutLeakCheck());
                P9Client c = warm.client()) {
            Fid root = warm.attach(c);
            c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    final Config config;
    final Path dir;
    final Path export;
    final Path fifo;
    final String shmName;
    final Server server;
    final List<Virtio9pDevice> devices = new ArrayList<>();
    final PoolLayout layout;
    final Set<Class<? extends TMessage>> sent = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> fdBaseline;
    private final List<P9Client> clients = new ArrayList<>();
    private Pool pool;
    private Pool driverPool;
    private PoolController controller;
    private DriverDoorbell driverDoorbell;
    private FrontEnd frontEnd;
    private List<DriverDevice> driverDevices;

    private ShmRig(Config config) throws IOException {
        this.config = config;
        this.fdBaseline = openFds();
        this.dir = Files.createTempDirectory("hvl9p-e2e");
        this.export = Files.createDirectory(dir.resolve("export"));
        this.fifo = dir.resolve("db");
        this.shmName = "hvl9p-e2e-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
        this.server = Server.start(ServerConfig.builder()
                .export("share", LinuxBackend.open(export, LinuxBackend.Options.defaults()))
                .lockWait(config.lockWait())
                .build());
        long m = config.memory();
        int n = config.devices();
        this.layout = switch (config.kind()) {
            case DTB ->
                PoolLayout.dtb(
                        PHYS_BASE, PoolLayout.FDT_AREA_SIZE + n * m, Collections.nCopies(n, new DeviceSpec(9, (int)
                                (m - PoolLayout.HEADER_SIZE))));
            case PACKED ->
                PoolLayout.packed(
                        PHYS_BASE, PoolLayout.PACKED_HEADER_AREA + m, Collections.nCopies(n, new DeviceSpec(9, 0)));
        };
        for (int i = 0; i < n; i++) {
            String tag = i == 0 ? "share" : "share" + i;
            long memorySize = layout.device(i).memorySize();
            devices.add(new Virtio9pDevice(tag, server, "rig/" + tag, Virtio9pDevice.msizeFor(memorySize)));
        }
    }

    Virtio9pDevice device() {
        return devices.get(0);
    }

    static ShmRig start(Config config) throws IOException {
        ShmRig r = new ShmRig(config);
        try {
            r.pool = Pool.shm(r.shmName, r.layout.size(), PHYS_BASE);
            r.controller = PoolController.start(
                    r.shmName,
                    r.pool.memory(),
                    r.layout,
                    List.copyOf(r.devices),
                    Doorbells.backEnd("fifo:" + r.fifo),
                    PoolController.Options.defaults());
            r.driverPool = Pool.openShm(r.shmName, PHYS_BASE);
            r.driverDoorbell = Doorbells.driver("fifo:" + r.fifo);
            r.frontEnd = FrontEnd.attach(
                    r.driverPool.memory(),
                    FrontEnd.headers(r.driverPool.memory(), config.kind()),
                    r.driverDoorbell,
                    config.options());
            r.driverDevices = r.frontEnd.devices();
            for (int i = 0; i < r.driverDevices.size(); i++) {
                r.initialize(i);
            }
            return r;
        } catch (IOException | RuntimeException | Error e) {
            r.teardown();
            throw e;
        }
    }

    static ShmRig start(PoolLayout.Kind kind) throws IOException {
        return start(Config.of(kind));
    }

    /** The OpenAMP initialisation (again: without a reset it is a re-initialisation). */
    void initialize(int device) throws IOException {
        driverDevices.get(device).initialize(new int[] {config.queueSize()}, Virtio9pDevice.F_MOUNT_TAG);
    }

    void initialize() throws IOException {
        initialize(0);
    }

    DriverDevice driver() {
        return driverDevices.get(0);
    }

    PoolController controller() {
        return controller;
    }

    /** The pool as the front-end maps it. */
    GuestMemory driverMemory() {
        return driverPool.memory();
    }

    DriverQueue queue() {
        return driver().queue(0);
    }

    /**
     * A 9P client on device 0 asking for the configured msize. Each device is one session: a
     * second client on the same device shares it (and its tags and fids).
     */
    P9Client client() throws IOException {
        return client(0, config.msize(), config.msize());
    }

    /** A 9P client on device {@code device}. */
    P9Client client(int device) throws IOException {
        return client(device, config.msize(), config.msize());
    }

    /** A 9P client whose reply buffers start at {@code frame} bytes, asking for {@code msize}. */
    P9Client client(int device, int frame, int msize) throws IOException {
        VirtioFrameChannel ch = new VirtioFrameChannel(driverDevices.get(device).queue(0), frame, TIMEOUT.toNanos());
        P9Client c = P9Client.connect(new RecordingChannel(ch, sent), msize, TIMEOUT);
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    /** Tattach as root to the export; returns the root fid. */
    Fid attach(P9Client c) throws IOException {
        Fid root = c.newFid();
        c.call(
                new TMessage.Tattach(
                        root, Fid.NOFID, P9String.of("root"), P9String.of("share"), MiscConstants.NONUNAME),
                RMessage.Rattach.class);
        return root;
    }

    /** Fids held by the live sessions, summed. */
    int liveFids() {
        return server.connections().stream().mapToInt(Connection::fidCount).sum();
    }

    /** Polls {@code cond} until it holds or {@code timeout} passes; returns whether it held. */
    static boolean await(BooleanSupplier cond, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            // a short park, not a sleep-for-the-condition: the condition is re-checked at once
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        boolean fidsReleased = !config.leakCheck() || await(() -> liveFids() == 0, TIMEOUT);
        int fidsLeft = liveFids();
        boolean sessionsClosed = teardown();
        if (!config.leakCheck()) {
            return;
        }
        assertThat(sessionsClosed)
                .as("sessions the device left open after the pool closed")
                .isTrue();
        assertThat(fidsReleased)
                .as("fids left in live sessions after the clients clunked: %d", fidsLeft)
                .isTrue();
        assertThat(Pool.SHM_DIR.resolve(shmName)).as("shm file").doesNotExist();
        assertThat(fifo.resolveSibling("db.kick")).as("kick FIFO").doesNotExist();
        assertThat(fifo.resolveSibling("db.irq")).as("irq FIFO").doesNotExist();
        boolean fdsBack = await(() -> leakedFds().isEmpty(), TIMEOUT);
        assertThat(fdsBack).as("file descriptors left open: %s", leakedFds()).isTrue();
    }

    /** Closes everything; returns whether the device closed its sessions before the server was closed. */
    private boolean teardown() throws IOException {
        List<P9Client> cs;
        synchronized (clients) {
            cs = List.copyOf(clients);
        }
        for (P9Client c : cs) {
            c.close();
        }
        if (frontEnd != null) {
            frontEnd.close();
        }
        if (driverDoorbell != null) {
            driverDoorbell.close();
        }
        if (controller != null) {
            controller.close(); // stops the device (its session) and closes the back-end doorbell
        }
        boolean sessionsClosed =
                await(() -> server.connectionCount() == 0, config.leakCheck() ? TIMEOUT : Duration.ZERO);
        server.close();
        if (driverPool != null) {
            driverPool.close();
        }
        if (pool != null) {
            pool.close();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        return sessionsClosed;
    }

    /** Descriptors open now that were not open (to the same target) when the rig started; jars excluded. */
    private Map<Integer, String> leakedFds() {
        Map<Integer, String> now = openFds();
        now.entrySet()
                .removeIf(e -> e.getValue().equals(fdBaseline.get(e.getKey()))
                        || e.getValue().endsWith(".jar"));
        return now;
    }

    static Map<Integer, String> openFds() {
        Map<Integer, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                try {
                    out.put(
                            Integer.parseInt(p.getFileName().toString()),
                            Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                    // the descriptor of the listing itself, closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}

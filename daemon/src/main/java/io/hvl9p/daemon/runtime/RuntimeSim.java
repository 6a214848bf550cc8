package io.hvl9p.daemon.runtime;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.transport.doorbell.Doorbells;
import io.hvl9p.transport.doorbell.DriverDoorbell;
import io.hvl9p.transport.driver.DriverDevice;
import io.hvl9p.transport.driver.FrontEnd;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.pool.Pool;
import io.hvl9p.virtio9p.Virtio9pDevice;
import io.hvl9p.virtio9p.client.VirtioFrameChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated auxiliary runtime: the front-end role, in a process of its own, reaching the
 * daemon only through the pool in /dev/shm and the doorbell FIFOs, as an RTOS on another core
 * would (hvl-transport.md section 7). It finds its devices (the FDT in the dtb layout, the packed
 * headers otherwise), brings them up with the OpenAMP sequence, and then does what it is told:
 * print through its console, use each 9p device, echo console input.
 */
public final class RuntimeSim implements AutoCloseable {
    /** What the runtime prints and does; null/false fields are skipped. */
    public record Script(String hello, boolean files, int echoLines, String writeText) {}

    private final String name;
    private final Pool pool;
    private final FrontEnd frontEnd;
    private final DriverDoorbell doorbell;
    private final long timeoutNanos;
    private final int msize;
    private SimConsole console;
    private final List<DriverDevice> ninep = new ArrayList<>();

    private RuntimeSim(String name, Pool pool, FrontEnd fe, DriverDoorbell db, Duration timeout, int msize) {
        this.name = name;
        this.doorbell = db;
        this.pool = pool;
        this.frontEnd = fe;
        this.timeoutNanos = timeout.toNanos();
        this.msize = msize;
    }

    /** Maps the pool, attaches to its devices and initialises every one of them. */
    public static RuntimeSim attach(
            String name,
            String shmName,
            long physBase,
            PoolLayout.Kind layout,
            String doorbell,
            FrontEnd.Options options,
            Duration timeout,
            int msize)
            throws IOException {
        Pool pool = Pool.openShm(shmName, physBase);
        DriverDoorbell db = null;
        FrontEnd fe = null;
        try {
            db = Doorbells.driver(doorbell);
            fe = FrontEnd.attach(pool.memory(), FrontEnd.headers(pool.memory(), layout), db, options);
            RuntimeSim sim = new RuntimeSim(name, pool, fe, db, timeout, msize);
            for (DriverDevice d : fe.devices()) {
                switch (d.deviceId()) {
                    case 3 -> sim.console = new SimConsole(pool.memory(), d);
                    case 9 -> {
                        d.initialize(new int[] {8}, Virtio9pDevice.F_MOUNT_TAG);
                        sim.ninep.add(d);
                    }
                    default -> {
                        // a device this runtime has no driver for stays untouched
                    }
                }
            }
            return sim;
        } catch (IOException | RuntimeException e) {
            if (fe != null) {
                fe.close();
            }
            if (db != null) {
                db.close();
            }
            pool.close();
            throw e;
        }
    }

    /** The mount tag of a 9p device, read as OpenAMP does: tag_len and tag as one prefix. */
    static String tag(DriverDevice d) {
        byte[] cfg = d.readConfig(2 + Virtio9pDevice.MAX_TAG);
        int len = ByteBuffer.wrap(cfg).order(ByteOrder.LITTLE_ENDIAN).getShort(0) & 0xFFFF;
        if (len > Virtio9pDevice.MAX_TAG) {
            throw new IllegalStateException("tag_len " + len + " (expected: <= " + Virtio9pDevice.MAX_TAG + ")");
        }
        return new String(cfg, 2, len, StandardCharsets.UTF_8);
    }

    /** Prints a line through the console, or to standard output if the runtime has none. */
    public void say(String line) throws IOException {
        if (console != null) {
            console.print(line + "\n", timeoutNanos);
        } else {
            System.out.println("[" + name + ", no console] " + line);
        }
    }

    /** Runs the script; returns 0 if everything worked. */
    public int run(Script s) throws IOException {
        if (s.hello() != null) {
            say(s.hello());
        }
        if (s.files()) {
            for (DriverDevice d : ninep) {
                files(d, s.writeText() != null ? s.writeText() : "written by " + name + " through virtio-9p\n");
            }
        }
        for (int i = 0; i < s.echoLines(); i++) {
            if (console == null) {
                throw new IOException("no console to read input from");
            }
            String line = console.readLine(timeoutNanos);
            if (line == null) {
                throw new IOException("no console input within " + timeoutNanos / 1_000_000 + " ms");
            }
            say("got: " + line);
        }
        return 0;
    }

    private void files(DriverDevice d, String text) throws IOException {
        String tag = tag(d);
        try (P9Client c = client(d)) {
            say("9p " + tag + ": mounted, " + c.version().asString() + " msize " + c.msize());
            Fid root = NineOps.attach(c, "");
            say("9p " + tag + ": ls / -> " + String.join(" ", NineOps.list(c, root)));
            try {
                String hello = NineOps.readFile(c, root, "hello.txt");
                say("9p " + tag + ": cat hello.txt -> " + hello.strip());
            } catch (IOException e) {
                say("9p " + tag + ": cat hello.txt -> " + e.getMessage());
            }
            String file = "from-" + name + ".txt";
            NineOps.writeFile(c, root, file, text);
            String back = NineOps.readFile(c, root, file);
            if (!back.equals(text)) {
                throw new IOException(file + " read back differs from what was written");
            }
            say("9p " + tag + ": wrote " + file + " (" + text.length() + " bytes), read back ok");
            c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
        }
    }

    /** A 9P client on 9p device {@code d}. */
    public P9Client client(DriverDevice d) throws IOException {
        VirtioFrameChannel ch = new VirtioFrameChannel(d.queue(0), msize, timeoutNanos);
        return P9Client.connect(ch, msize, Duration.ofNanos(timeoutNanos));
    }

    public List<DriverDevice> ninepDevices() {
        return ninep;
    }

    public FrontEnd frontEnd() {
        return frontEnd;
    }

    public Pool pool() {
        return pool;
    }

    @Override
    public void close() {
        frontEnd.close();
        doorbell.close();
        try {
            pool.close();
        } catch (IOException e) {
            // unmapping at exit
        }
    }
}

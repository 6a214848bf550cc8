package io.hvl9p.daemon.runtime;

import io.hvl9p.server.Server;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.spi.Backend;
import io.hvl9p.transport.doorbell.Doorbell;
import io.hvl9p.transport.doorbell.Doorbells;
import io.hvl9p.transport.layout.DeviceSpec;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.mmio.DeviceState;
import io.hvl9p.transport.mmio.PoolController;
import io.hvl9p.transport.mmio.VirtioDevice;
import io.hvl9p.transport.pool.Pool;
import io.hvl9p.virtio9p.Virtio9pDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One auxiliary runtime served by the daemon: its pool (created, sized and pre-filled here), its
 * layout, its doorbell, its devices and the pool's controller thread. Each 9p device has a server
 * of its own that holds only its export, so a runtime reaches exactly the exports it was given
 * and nothing of another runtime, whatever aname it sends.
 */
public final class RuntimeHost implements AutoCloseable {
    private final RuntimeSpec spec;
    private final Pool pool;
    private final PoolLayout layout;
    private final PoolController controller;
    private final List<Server> servers;
    private final List<Backend> backends;
    private final ConsoleWiring console;

    private RuntimeHost(
            RuntimeSpec spec,
            Pool pool,
            PoolLayout layout,
            PoolController controller,
            List<Server> servers,
            List<Backend> backends,
            ConsoleWiring console) {
        this.spec = spec;
        this.pool = pool;
        this.layout = layout;
        this.controller = controller;
        this.servers = servers;
        this.backends = backends;
        this.console = console;
    }

    /**
     * Creates the pool and starts serving it.
     *
     * @param openExport opens the export of a given name (IllegalArgumentException if unknown)
     * @param base server settings shared by every 9p device (workers, trace, users, max msize)
     * @param stdout where console lines go when the spec asks for standard output
     * @throws IllegalArgumentException for a spec that cannot work (sizes, names, doorbell)
     * @throws IOException if the pool or the doorbell cannot be created
     */
    public static RuntimeHost start(
            RuntimeSpec spec,
            Function<String, Backend> openExport,
            Function<String, ServerConfig.Builder> base,
            Consumer<String> stdout)
            throws IOException {
        PoolLayout layout = layoutOf(spec);
        long size = layout.size();
        List<Backend> backends = new ArrayList<>();
        List<Server> servers = new ArrayList<>();
        List<VirtioDevice> virtio = new ArrayList<>();
        Pool pool = null;
        Doorbell doorbell = null;
        ConsoleWiring console = null;
        try {
            for (int i = 0; i < spec.ninep().size(); i++) {
                RuntimeSpec.NinePSpec n = spec.ninep().get(i);
                // In the packed layout all devices share one area; the configured size is still this
                // device's share of it (the default pool size is the sum of the shares).
                int msize;
                try {
                    msize = Virtio9pDevice.msizeFor(
                            Math.min(n.memory(), layout.device(i).memorySize()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("9p " + n.export() + ": " + e.getMessage(), e);
                }
                Backend b = openExport.apply(n.export());
                backends.add(b);
                ServerConfig.Builder cfg = base.apply(spec.name() + "/" + n.export());
                Server s = Server.start(cfg.export(n.export(), b).build());
                servers.add(s);
                virtio.add(new Virtio9pDevice(n.export(), s, spec.name() + "/9p:" + n.export(), msize));
            }
            if (spec.console()) {
                console = ConsoleWiring.create(spec, stdout);
                virtio.add(console.device());
            }
            pool = openPool(spec, size);
            try {
                doorbell = Doorbells.backEnd(spec.doorbell());
            } catch (IOException e) {
                throw named("doorbell " + spec.doorbell(), e);
            } catch (IllegalArgumentException e) {
                throw named("doorbell " + spec.doorbell(), e);
            }
            PoolController c = PoolController.start(
                    spec.name(),
                    pool.memory(),
                    layout,
                    virtio,
                    doorbell,
                    PoolController.Options.defaults().withPollTime(spec.pollTime()));
            return new RuntimeHost(spec, pool, layout, c, servers, backends, console);
        } catch (IOException | RuntimeException e) {
            if (doorbell != null) {
                doorbell.close();
            }
            if (console != null) {
                console.close();
            }
            servers.forEach(Server::close);
            backends.forEach(RuntimeHost::closeQuietly);
            if (pool != null) {
                pool.close();
            }
            if (e instanceof IOException io) {
                throw named(spec, io);
            }
            if (e instanceof IllegalArgumentException iae) {
                throw named(spec, iae);
            }
            throw e;
        }
    }

    private static IOException named(String what, IOException e) {
        return new IOException(what + ": " + e.getMessage(), e);
    }

    private static IllegalArgumentException named(String what, IllegalArgumentException e) {
        return new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }

    /** {@code e} with a message that names the runtime (once), so that serve's message says which runtime failed. */
    private static IOException named(RuntimeSpec spec, IOException e) {
        return namesRuntime(spec, e) ? e : named("runtime " + spec.name(), e);
    }

    private static IllegalArgumentException named(RuntimeSpec spec, IllegalArgumentException e) {
        return namesRuntime(spec, e) ? e : named("runtime " + spec.name(), e);
    }

    private static boolean namesRuntime(RuntimeSpec spec, Exception e) {
        return String.valueOf(e.getMessage()).startsWith("runtime " + spec.name() + ":");
    }

    /**
     * Where everything of {@code spec}'s pool goes: its 9p devices in order, then its console; with
     * size 0, the smallest pool that holds them. What {@link #start} uses, and what {@code hvl9p dt}
     * describes.
     *
     * @throws IllegalArgumentException naming the runtime, if the devices do not fit
     */
    public static PoolLayout layoutOf(RuntimeSpec spec) {
        List<DeviceSpec> devices = new ArrayList<>();
        for (RuntimeSpec.NinePSpec n : spec.ninep()) {
            devices.add(new DeviceSpec(9, n.memory()));
        }
        if (spec.console()) {
            devices.add(new DeviceSpec(3, spec.consoleMemory()));
        }
        long size = spec.size() > 0 ? spec.size() : defaultSize(spec, devices);
        try {
            return PoolLayout.of(spec.layout(), spec.physBase(), size, devices);
        } catch (IllegalArgumentException e) {
            throw named(spec, e);
        }
    }

    private static long defaultSize(RuntimeSpec spec, List<DeviceSpec> devices) {
        if (spec.layout() == PoolLayout.Kind.DTB) {
            long size = PoolLayout.FDT_AREA_SIZE;
            for (DeviceSpec d : devices) {
                size += PoolLayout.HEADER_SIZE + d.memorySize();
            }
            return (size + PoolLayout.PAGE_SIZE - 1) / PoolLayout.PAGE_SIZE * PoolLayout.PAGE_SIZE;
        }
        // packed: the header page, then per 9p device what its dtb block would hold, 64 KiB for a console
        long size = PoolLayout.PACKED_HEADER_AREA;
        for (DeviceSpec d : devices) {
            size += d.deviceId() == 9 ? (long) d.memorySize() + PoolLayout.HEADER_SIZE : 0x10000;
        }
        return (size + PoolLayout.PAGE_SIZE - 1) / PoolLayout.PAGE_SIZE * PoolLayout.PAGE_SIZE;
    }

    private static Pool openPool(RuntimeSpec spec, long size) throws IOException {
        String b = spec.backing();
        if (b.startsWith("shm:")) {
            return Pool.shm(b.substring(4), size, spec.physBase(), true);
        }
        if (b.startsWith("uio:")) {
            Pool p = Pool.uio(Path.of(b.substring(4)), 0, spec.physBase());
            if (p.size() < size) {
                long have = p.size();
                p.close();
                throw new IllegalArgumentException(
                        "runtime " + spec.name() + ": " + b + " maps " + have + " bytes, the devices need " + size);
            }
            return p;
        }
        throw new IllegalArgumentException(
                "runtime " + spec.name() + ": pool \"" + b + "\" (expected: shm:NAME or uio:/dev/uioN)");
    }

    private static void closeQuietly(Backend b) {
        try {
            b.close();
        } catch (Exception e) {
            // closing on the error path: the first error is the one reported
        }
    }

    public RuntimeSpec spec() {
        return spec;
    }

    public Pool pool() {
        return pool;
    }

    public PoolLayout layout() {
        return layout;
    }

    public PoolController controller() {
        return controller;
    }

    /** The console device's wiring, or null without a console. */
    public ConsoleWiring console() {
        return console;
    }

    /** Fids open in this runtime's 9P sessions (for leak checks). */
    public int openFids() {
        int n = 0;
        for (Server s : servers) {
            for (var c : s.connections()) {
                n += c.fidCount();
            }
        }
        return n;
    }

    public List<DeviceState> devices() {
        return controller.devices();
    }

    /** Resets every device, as before the runtime is (re)started (hvl-transport.md 3b.7). */
    public void resetDevices() throws InterruptedException {
        controller.resetDevices();
    }

    /** One line per device, for start-up messages. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add("runtime " + spec.name() + ": pool " + pool.describe() + ", layout "
                + spec.layout().name().toLowerCase() + ", doorbell " + spec.doorbell());
        for (var d : layout.devices()) {
            String what = d.spec().deviceId() == 9
                    ? "9p tag " + spec.ninep().get(d.index()).export()
                    : "console";
            out.add(String.format(
                    "  device %d: %s, registers at 0x%x, memory 0x%x + 0x%x",
                    d.index(), what, d.headerPa(), d.memoryPa(), d.memorySize()));
        }
        return out;
    }

    /** Stops the controller (and with it every device), the servers and the console; removes the pool. */
    @Override
    public void close() {
        controller.close();
        servers.forEach(Server::close);
        backends.forEach(RuntimeHost::closeQuietly);
        if (console != null) {
            console.close();
        }
        try {
            pool.close();
        } catch (IOException e) {
            // the pool file is removed by the shutdown hook otherwise
        }
    }
}

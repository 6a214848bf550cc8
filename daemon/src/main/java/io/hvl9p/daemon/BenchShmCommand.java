package io.hvl9p.daemon;

import io.hvl9p.daemon.runtime.RuntimeHost;
import io.hvl9p.daemon.runtime.RuntimeSpec;
import io.hvl9p.daemon.runtime.ShmBench;
import io.hvl9p.daemon.runtime.Units;
import io.hvl9p.server.Server;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.server.net.ListenAddress;
import io.hvl9p.server.net.SocketListener;
import io.hvl9p.transport.layout.PoolLayout;
import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.pool.Pool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hvl9p bench-shm}: the shared-memory transport measured side by side with TCP loopback
 * and with the raw limits, in one run. This process is Linux's side (two pools, polling on and
 * off, plus a TCP listener on the same export); a second process plays the runtime
 * ({@code bench-shm --client}) and reports.
 */
@Command(
        name = "bench-shm",
        mixinStandardHelpOptions = true,
        description = {
            "Measure the shared-memory transport against TCP loopback and the raw limits in",
            "one run: Tgetattr round trips (p50/p99) and sequential Tread throughput,",
            "next to a raw shared-memory ping-pong and a plain memory copy."
        },
        sortOptions = false)
final class BenchShmCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rounds", description = "measured rounds (after one warm-up round; default 3)")
    int rounds = 3;

    @Option(names = "--seconds", description = "per scenario and round (default 2)")
    double seconds = 2;

    @Option(names = "--msize", description = "msize of every session (default 524288)")
    int msize = 524288;

    @Option(names = "--file-size", paramLabel = "SIZE", description = "the file read sequentially (default 64M)")
    String fileSize = "64M";

    // The runtime's side, in the child process.
    @Option(names = "--client", hidden = true)
    boolean client;

    @Option(names = "--ping", hidden = true)
    String ping;

    @Option(names = "--target", hidden = true, description = "LABEL|POOL|DOORBELL|SPIN")
    List<String> targets = new ArrayList<>();

    @Option(names = "--tcp-port", hidden = true)
    int tcpPort;

    @Option(names = "--host-file", hidden = true)
    Path hostFile;

    @Override
    public Integer call() throws Exception {
        if (client) {
            List<ShmBench.Target> ts = new ArrayList<>();
            for (String t : targets) {
                String[] p = t.split("\\|");
                ts.add(new ShmBench.Target(p[0], p[1], p[2], Long.parseLong(p[3])));
            }
            return new ShmBench(ts, ping, tcpPort, "big", rounds, seconds, msize)
                    .hostFile(hostFile)
                    .run(System.out);
        }
        return parent(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    private int parent(PrintWriter out, PrintWriter err) throws Exception {
        long size = Units.size("--file-size", fileSize);
        Path top = Files.createTempDirectory("hvl9p-bench-");
        Path export = Files.createDirectories(top.resolve("export"));
        writeRandom(export.resolve("big"), size);
        String id = "hvl9p-bench-" + ProcessHandle.current().pid();
        List<RuntimeHost> hosts = new ArrayList<>();
        Server tcpServer = null;
        SocketListener listener = null;
        Pool pingPool = null;
        Thread echo = null;
        try {
            List<String> targetArgs = new ArrayList<>();
            String[][] kinds = {
                {"poll", "50us", "shm, both sides polling 50 us", "50000"},
                {"devpoll", "50us", "shm, back-end polling, runtime sleeps on irq", "0"},
                {"nopoll", "0", "shm, doorbell FIFOs only (no polling)", "0"}
            };
            for (String[] k : kinds) {
                String name = "bench-" + k[0];
                String doorbell = "fifo:" + top.resolve(name);
                RuntimeSpec rs = new RuntimeSpec(
                        name,
                        "shm:" + id + "-" + k[0],
                        0,
                        0x37000000L,
                        PoolLayout.Kind.DTB,
                        doorbell,
                        List.of(new RuntimeSpec.NinePSpec("bench", RuntimeSpec.DEFAULT_9P_MEMORY)),
                        false,
                        RuntimeSpec.DEFAULT_CONSOLE_MEMORY,
                        null,
                        false,
                        null,
                        Units.duration("poll", k[1]));
                hosts.add(RuntimeHost.start(
                        rs,
                        n -> LinuxBackend.open(export, LinuxBackend.Options.defaults()),
                        who -> ServerConfig.builder().maxMsize(Math.max(msize, 8192)),
                        line -> {}));
                targetArgs.add("--target");
                targetArgs.add(k[2] + "|" + id + "-" + k[0] + "|" + doorbell + "|" + k[3]);
            }
            tcpServer = Server.start(ServerConfig.builder()
                    .export("bench", LinuxBackend.open(export, LinuxBackend.Options.defaults()))
                    .maxMsize(Math.max(msize, 8192))
                    .build());
            listener = SocketListener.start(tcpServer, new ListenAddress.Tcp("127.0.0.1", 0));
            int port = ((ListenAddress.Tcp) listener.address()).port();
            pingPool = Pool.shm(id + "-ping", 4096, 0, true);
            GuestMemory pm = pingPool.memory();
            echo = Thread.ofPlatform().name("hvl9p-bench-echo").daemon().start(() -> echo(pm));
            List<String> cmd = new ArrayList<>(Main.childCommand(
                    "bench-shm",
                    "--client",
                    "--ping",
                    id + "-ping",
                    "--tcp-port",
                    Integer.toString(port),
                    "--host-file",
                    export.resolve("big").toString(),
                    "--rounds",
                    Integer.toString(rounds),
                    "--seconds",
                    Double.toString(seconds),
                    "--msize",
                    Integer.toString(msize)));
            cmd.addAll(targetArgs);
            out.println("bench-shm: " + Runtime.getRuntime().availableProcessors() + " cores, file of " + size
                    + " bytes, runtime side in its own process");
            out.flush();
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (!p.waitFor(30 + (long) (rounds + 1) * 12 * (long) Math.ceil(seconds), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                err.println("hvl9p bench-shm: the runtime side did not finish");
                return 1;
            }
            return p.exitValue();
        } finally {
            if (pingPool != null) {
                pingPool.memory().writeU32Release(ShmBench.STOP, 1); // physBase 0: offsets are addresses
                if (echo != null) {
                    echo.join(Duration.ofSeconds(2));
                }
                pingPool.close();
            }
            hosts.forEach(RuntimeHost::close);
            if (listener != null) {
                listener.close();
            }
            if (tcpServer != null) {
                tcpServer.close();
            }
            try (Stream<Path> s = Files.walk(top)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(q);
                }
            }
        }
    }

    /** The daemon's half of the raw ping-pong: echo every new sequence number, spinning only while active. */
    private static void echo(GuestMemory m) {
        int last = m.readU32Acquire(ShmBench.PING);
        while (m.readU32Acquire(ShmBench.STOP) == 0) {
            if (m.readU32Acquire(ShmBench.ACTIVE) == 0) {
                try {
                    Thread.sleep(1); // idle between scenarios, not on any measured path
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            int v = m.readU32Acquire(ShmBench.PING);
            if (v != last) {
                last = v;
                m.writeU32Release(ShmBench.PONG, v);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private static void writeRandom(Path file, long size) throws IOException {
        Random r = new Random(42);
        byte[] chunk = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long done = 0; done < size; done += chunk.length) {
                r.nextBytes(chunk);
                ch.write(ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, size - done)));
            }
        }
    }
}

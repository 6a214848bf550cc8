package io.hvl9p.conformance.load;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Measures a 9P2000.L server with the project's own client. For each workload and each number of
 * connections in the {@link LoadConfig}: create the workload's files on a control connection,
 * open N connections (one thread each) and set them up, start them together, run a warm-up, then
 * measure for a time or a count of operations, and remove the files again.
 *
 * <p>Every file the run creates lives in the attach directory under a name starting with
 * {@code hvl9p-load-<random>-}, so runs never collide and leftovers are easy to recognise.
 *
 * <pre>{@code
 * List<LoadResult> results = new LoadGenerator(LoadConfig.builder()
 *         .target("tcp:127.0.0.1:564").aname("/srv/export")
 *         .workloads(Workload.READ).connections(1, 4).build()).run();
 * }</pre>
 */
public final class LoadGenerator {
    private final LoadConfig config;

    public LoadGenerator(LoadConfig config) {
        this.config = Objects.requireNonNull(config);
    }

    public LoadConfig config() {
        return config;
    }

    /** Runs every workload with every connection count, in the configured order. */
    public List<LoadResult> run() throws IOException {
        return run(r -> {});
    }

    /** As {@link #run()}, handing each result to {@code each} as soon as it is known. */
    public List<LoadResult> run(Consumer<LoadResult> each) throws IOException {
        String base = "hvl9p-load-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + "-";
        List<LoadResult> results = new ArrayList<>();
        try (Session control = Session.open(config)) {
            for (Workload w : config.workloads()) {
                for (int n : config.connections()) {
                    LoadResult r = runOne(control, w, n, base + "c" + n + "-");
                    results.add(r);
                    each.accept(r);
                }
            }
        }
        return results;
    }

    private LoadResult runOne(Session control, Workload workload, int n, String prefix) throws IOException {
        Fixture fixture = Fixture.of(workload, config, prefix);
        fixture.setUp(control);
        IOException failure = null;
        try {
            return measure(workload, n, fixture);
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            throw failure;
        } finally {
            try {
                fixture.tearDown(control);
            } catch (IOException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }

    private LoadResult measure(Workload workload, int n, Fixture fixture) throws IOException {
        ConnectionRunner.Phases[] phases = new ConnectionRunner.Phases[1];
        CyclicBarrier start = new CyclicBarrier(n, () -> {
            long t = System.nanoTime() + config.warmup().toNanos();
            long end = config.counted() ? t : t + config.duration().toNanos();
            phases[0] = new ConnectionRunner.Phases(t, end);
        });
        List<Driver> drivers = new ArrayList<>();
        List<ConnectionRunner> runners = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Driver d = fixture.driver(i);
            drivers.add(d);
            runners.add(new ConnectionRunner(config, d, start, () -> phases[0]));
        }
        IOException[] errors = new IOException[n];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            threads.add(Thread.ofPlatform()
                    .name("load-" + workload.cliName() + "-" + i)
                    .start(() -> {
                        try {
                            runners.get(k).run();
                        } catch (IOException e) {
                            errors[k] = e;
                        } catch (RuntimeException e) {
                            errors[k] = new IOException(e);
                        }
                    }));
        }
        joinAll(threads);
        failIfAny(workload, errors);
        return result(workload, n, fixture, drivers, runners, phases[0]);
    }

    private static void joinAll(List<Thread> threads) throws IOException {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                threads.forEach(Thread::interrupt);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private static void failIfAny(Workload workload, IOException[] errors) throws IOException {
        IOException first = null;
        for (int i = 0; i < errors.length; i++) {
            if (errors[i] == null) {
                continue;
            }
            if (first == null) {
                first = new IOException(
                        workload.cliName() + ": connection " + i + " failed: " + errors[i].getMessage(), errors[i]);
            } else {
                first.addSuppressed(errors[i]);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private LoadResult result(
            Workload workload,
            int n,
            Fixture fixture,
            List<Driver> drivers,
            List<ConnectionRunner> runners,
            ConnectionRunner.Phases phases) {
        LatencyHistogram all = new LatencyHistogram();
        long ops = 0;
        long bytes = 0;
        long lastEnd = phases.measureStart();
        for (ConnectionRunner r : runners) {
            all.add(r.histogram);
            ops += r.operations;
            bytes += r.bytes;
            if (r.operations > 0) {
                lastEnd = Math.max(lastEnd, r.lastEnd);
            }
        }
        Duration elapsed = Duration.ofNanos(Math.max(0, lastEnd - phases.measureStart()));
        return new LoadResult(
                workload,
                n,
                config.depth(),
                runners.getFirst().msize,
                drivers.getFirst().ioCount(),
                ops,
                bytes,
                elapsed,
                all.summary(),
                fixture.detail(drivers));
    }
}

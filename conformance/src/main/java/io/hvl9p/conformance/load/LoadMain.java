package io.hvl9p.conformance.load;

import io.hvl9p.protocol.MiscConstants;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load generator's command line, for {@code hvl9p load} (the daemon owns {@code main}). Arguments
 * are parsed by hand: {@code --name value} or {@code --name=value}.
 */
public final class LoadMain {
    private LoadMain() {}

    static final String USAGE =
            """
            usage: load --target tcp:HOST:PORT|unix:PATH [options]

            Measures a 9P2000.L server: each workload with each connection count, a warm-up,
            then a timed (or counted) measured phase. Prints a table; --json FILE also writes JSON.

              --target SPEC        tcp:HOST:PORT (tcp:[::1]:564) or unix:PATH (required)
              --aname NAME         attach name: the exported path for diod, the export name for hvl9p ("")
              --uname NAME         attach user name (root)
              --n-uname UID        attach numeric uid, or "none" for NONUNAME (none)
              --msize BYTES        msize to ask for; the server's choice is used (1048600)
              --workload LIST      getattr,read,write,create-unlink or all (all)
              --connections LIST   connection counts, e.g. 1,4 (1,4)
              --depth K            operations outstanding per connection (1)
              --seconds S          measured time per run (5)
              --ops N              measure N operations per connection instead of a time
              --warmup S           warm-up time per run (1)
              --file-mib M         read file size; where write wraps (64)
              --keep-files         leave the read, write and getattr files behind
              --timeout S          longest wait for one reply (30)
              --json FILE          also write the results as JSON to FILE
              --help               print this and exit
            """;

    /** Runs with {@link System#out} and {@link System#err}; returns 0, 1 (the run failed) or 2 (bad arguments). */
    public static int run(String... args) {
        return run(System.out, System.err, args);
    }

    /** Runs, printing the table to {@code out} and progress and errors to {@code err}. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        Parsed p;
        try {
            p = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("load: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (p == null) {
            out.print(USAGE);
            return 0;
        }
        LoadConfig c = p.config;
        err.printf(
                Locale.ROOT,
                "load: %s aname '%s', asking msize %d, depth %d, %s per run after %.1f s warm-up%n",
                c.target(),
                c.aname(),
                c.msize(),
                c.depth(),
                c.counted()
                        ? c.operations() + " operations per connection"
                        : String.format(Locale.ROOT, "%.1f s", c.duration().toNanos() / 1e9),
                c.warmup().toNanos() / 1e9);
        List<LoadResult> results;
        try {
            results = new LoadGenerator(c)
                    .run(r -> err.printf(
                            Locale.ROOT,
                            "load: %s with %d connection(s): %.1f %s%n",
                            r.workload().cliName(),
                            r.connections(),
                            r.primary(),
                            r.primaryUnit()));
        } catch (IOException e) {
            err.println("load: " + e.getMessage());
            return 1;
        }
        out.print(LoadReport.table(results));
        if (p.json != null) {
            try {
                Files.writeString(p.json, LoadReport.json(c, results), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("load: cannot write " + p.json + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    record Parsed(LoadConfig config, Path json) {}

    /** The configuration the arguments ask for, or {@code null} for --help. */
    static Parsed parse(String... args) {
        LoadConfig.Builder b = LoadConfig.builder();
        boolean haveTarget = false;
        boolean seconds = false;
        boolean ops = false;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--keep-files" -> b.keepFiles(true);
                default -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(
                                    name.startsWith("--")
                                            ? name + " needs a value"
                                            : "unexpected argument '" + a + "'");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--target" -> {
                            b.target(value);
                            haveTarget = true;
                        }
                        case "--aname" -> b.aname(value);
                        case "--uname" -> b.uname(value);
                        case "--n-uname" ->
                            b.nUname(value.equals("none") ? MiscConstants.NONUNAME : integer(name, value));
                        case "--msize" -> b.msize(integer(name, value));
                        case "--workload" -> b.workloads(workloads(value));
                        case "--connections" -> b.connections(integers(name, value));
                        case "--depth" -> b.depth(integer(name, value));
                        case "--seconds" -> {
                            b.duration(seconds(name, value));
                            seconds = true;
                        }
                        case "--ops" -> {
                            b.operations(integer(name, value));
                            ops = true;
                        }
                        case "--warmup" -> b.warmup(seconds(name, value));
                        case "--file-mib" -> b.fileSize(Math.round(number(name, value) * 1024 * 1024));
                        case "--timeout" -> b.timeout(seconds(name, value));
                        case "--json" -> json = Path.of(value);
                        default -> throw new IllegalArgumentException("unknown option '" + name + "'");
                    }
                }
            }
        }
        if (!haveTarget) {
            throw new IllegalArgumentException("--target is required");
        }
        if (seconds && ops) {
            throw new IllegalArgumentException("--seconds and --ops exclude each other");
        }
        return new Parsed(b.build(), json);
    }

    private static List<Workload> workloads(String list) {
        if (list.equals("all")) {
            return List.of(Workload.values());
        }
        List<Workload> out = new ArrayList<>();
        for (String s : list.split(",", -1)) {
            out.add(Workload.of(s.trim()));
        }
        return out;
    }

    private static List<Integer> integers(String name, String list) {
        List<Integer> out = new ArrayList<>();
        for (String s : list.split(",", -1)) {
            out.add(integer(name, s.trim()));
        }
        return out;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a whole number");
        }
    }

    private static double number(String name, String value) {
        try {
            double d = Double.parseDouble(value);
            if (!Double.isFinite(d) || d < 0) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a non-negative number");
        }
    }

    private static Duration seconds(String name, String value) {
        return Duration.ofNanos(Math.round(number(name, value) * 1e9));
    }
}

package io.hvl9p.daemon;

import io.hvl9p.exports.config.ConfigError;
import io.hvl9p.exports.config.ConfigException;
import io.hvl9p.exports.config.ConfigLoader;
import io.hvl9p.exports.config.DaemonConfig;
import io.hvl9p.exports.config.DaemonConfig.ConsoleConfig;
import io.hvl9p.exports.config.DaemonConfig.ExportConfig;
import io.hvl9p.exports.config.DaemonConfig.ListenerConfig;
import io.hvl9p.exports.policy.ExportPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hvl9p config check|show FILE}: the configuration file (docs/exports.md). */
@Command(
        name = "config",
        description = "Check the configuration file or show the policy it gives (docs/exports.md).",
        mixinStandardHelpOptions = true,
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class})
final class ConfigCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** A loaded file whose runtimes all fit their pools, or null after printing every error. */
    record Loaded(DaemonConfig config, List<ConfiguredRuntime> runtimes) {}

    static Loaded load(Path file, PrintWriter err) {
        List<ConfiguredRuntime> runtimes = new ArrayList<>();
        try {
            DaemonConfig c = ConfigLoader.load(file, partial -> {
                List<ConfigError> errors = new ArrayList<>();
                runtimes.addAll(ConfiguredRuntime.all(partial, errors));
                return errors;
            });
            return new Loaded(c, List.copyOf(runtimes));
        } catch (ConfigException e) {
            e.errors().forEach(err::println);
            err.flush();
            return null;
        }
    }

    @Command(
            name = "check",
            description = {
                "Check FILE: syntax, unknown keys, types, values, duplicates, host paths and",
                "whether every runtime's devices fit its pool. Prints every error as",
                "FILE:LINE: what is wrong (expected: ...). Exit status 0 if FILE is usable, 1 if not."
            },
            mixinStandardHelpOptions = true)
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the configuration file")
        Path file;

        @Override
        public Integer call() {
            Loaded l = load(file, spec.commandLine().getErr());
            if (l == null) {
                return 1;
            }
            DaemonConfig c = l.config();
            spec.commandLine()
                    .getOut()
                    .printf(
                            "%s: ok (%d runtime%s, %d export%s, %d listener%s)%n",
                            file,
                            c.runtimes().size(),
                            c.runtimes().size() == 1 ? "" : "s",
                            c.exportCount(),
                            c.exportCount() == 1 ? "" : "s",
                            c.listeners().size(),
                            c.listeners().size() == 1 ? "" : "s");
            return 0;
        }
    }

    @Command(
            name = "show",
            description = {
                "Show the effective configuration of FILE as tables: each runtime's pool,",
                "each export's policy (defaults filled in) and each listener. Exit status 1",
                "(with every error) if FILE is not usable."
            },
            mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the configuration file")
        Path file;

        @Override
        public Integer call() {
            Loaded l = load(file, spec.commandLine().getErr());
            if (l == null) {
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(render(l));
            out.flush();
            return 0;
        }
    }

    /** The three tables of {@code config show}. */
    static String render(Loaded l) {
        StringBuilder b = new StringBuilder();
        List<List<String>> pools = new ArrayList<>();
        pools.add(List.of("RUNTIME", "POOL", "PHYS-BASE", "SIZE", "LAYOUT", "DOORBELL", "POLL", "DEVICES", "CONSOLE"));
        for (ConfiguredRuntime r : l.runtimes()) {
            ConsoleConfig c = r.config().console();
            pools.add(List.of(
                    r.config().name(),
                    r.config().pool(),
                    hex(r.layout().physBase()),
                    hex(r.layout().size()) + (r.config().size() == 0 ? " (auto)" : ""),
                    r.config().layout().name().toLowerCase(Locale.ROOT),
                    r.config().doorbell(),
                    r.config().pollTime().toNanos() / 1000 + "us",
                    String.valueOf(r.layout().devices().size()),
                    c == null ? "-" : console(c)));
        }
        table(b, "Runtimes", pools);
        List<List<String>> exports = new ArrayList<>();
        exports.add(List.of(
                "RUNTIME",
                "TAG",
                "PATH",
                "MODE",
                "SQUASH",
                "ANON",
                "UID-MAP",
                "GID-MAP",
                "DENY",
                "DEV",
                "MSIZE-CAP",
                "DEVICE@",
                "MEMORY"));
        for (ConfiguredRuntime r : l.runtimes()) {
            for (int i = 0; i < r.config().exports().size(); i++) {
                ExportConfig e = r.config().exports().get(i);
                ExportPolicy p = e.policy();
                exports.add(List.of(
                        r.config().name(),
                        p.name(),
                        p.path().toString(),
                        p.readOnly() ? "ro" : "rw",
                        p.squash().name().toLowerCase(Locale.ROOT),
                        p.anonUid() + ":" + p.anonGid(),
                        map(p.uidMap()),
                        map(p.gidMap()),
                        p.deny().isEmpty() ? "-" : String.join(",", p.deny()),
                        p.deviceNodes() ? "yes" : "no",
                        p.msizeCap() == 0 ? "-" : String.valueOf(p.msizeCap()),
                        hex(r.layout().device(i).headerPa()),
                        hex(r.layout().device(i).memorySize())));
            }
        }
        table(b, "Exports", exports);
        List<List<String>> listeners = new ArrayList<>();
        listeners.add(List.of("ADDRESS", "RUNTIME", "EXPORTS"));
        for (ListenerConfig li : l.config().listeners()) {
            listeners.add(List.of(
                    li.address().toString(),
                    li.runtime(),
                    l.config().runtime(li.runtime()).orElseThrow().exports().stream()
                            .map(e -> e.policy().name())
                            .collect(Collectors.joining(","))));
        }
        table(b, "Listeners", listeners);
        return b.toString();
    }

    private static String console(ConsoleConfig c) {
        List<String> sinks = new ArrayList<>();
        if (c.stdout()) {
            sinks.add("stdout");
        }
        if (c.log() != null) {
            sinks.add("log " + c.log());
        }
        if (c.socket() != null) {
            sinks.add("socket " + c.socket());
        }
        return sinks.isEmpty() ? "(no sinks)" : String.join(",", sinks);
    }

    private static String map(Map<Integer, Integer> m) {
        if (m.isEmpty()) {
            return "-";
        }
        return new TreeMap<>(m)
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static void table(StringBuilder b, String title, List<List<String>> rows) {
        if (!b.isEmpty()) {
            b.append('\n');
        }
        b.append(title).append('\n');
        if (rows.size() == 1) {
            b.append("  (none)\n");
            return;
        }
        int[] w = new int[rows.getFirst().size()];
        for (List<String> r : rows) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < w.length; i++) {
                line.append(r.get(i));
                if (i < w.length - 1) {
                    line.append(" ".repeat(w[i] - r.get(i).length() + 2));
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
    }
}

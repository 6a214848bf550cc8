package io.hvl9p.daemon;

import io.hvl9p.daemon.runtime.RuntimeHost;
import io.hvl9p.daemon.runtime.RuntimeSpec;
import io.hvl9p.exports.config.ConfigError;
import io.hvl9p.exports.config.DaemonConfig;
import io.hvl9p.exports.config.DaemonConfig.RuntimeConfig;
import io.hvl9p.transport.layout.PoolLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A runtime of the configuration file as the daemon runs it: its {@link RuntimeSpec} and the pool
 * layout computed from it (the same {@link RuntimeHost#layoutOf} that {@code serve} uses).
 */
record ConfiguredRuntime(RuntimeConfig config, RuntimeSpec spec, PoolLayout layout) {
    /** The spec of {@code r}: its exports' 9p devices in file order, then its console. */
    static RuntimeSpec spec(RuntimeConfig r) {
        List<RuntimeSpec.NinePSpec> ninep = r.exports().stream()
                .map(e -> new RuntimeSpec.NinePSpec(e.policy().name(), e.memory()))
                .toList();
        DaemonConfig.ConsoleConfig c = r.console();
        return new RuntimeSpec(
                r.name(),
                r.pool(),
                r.size(),
                r.physBase(),
                r.layout() == DaemonConfig.Layout.PACKED ? PoolLayout.Kind.PACKED : PoolLayout.Kind.DTB,
                r.doorbell(),
                ninep,
                c != null,
                c != null ? c.memory() : RuntimeSpec.DEFAULT_CONSOLE_MEMORY,
                c != null ? c.log() : null,
                c == null || c.stdout(),
                c != null ? c.socket() : null,
                r.pollTime());
    }

    /**
     * Every runtime of {@code config} with its layout; what does not fit (a pool too small for its
     * devices, more than 8 devices in the packed layout, pools of two runtimes that overlap) is added
     * to {@code errors} at the runtime's line.
     */
    static List<ConfiguredRuntime> all(DaemonConfig config, List<ConfigError> errors) {
        String file = config.file().toString();
        List<ConfiguredRuntime> out = new ArrayList<>();
        for (RuntimeConfig r : config.runtimes()) {
            if (r.exports().isEmpty() && r.console() == null) {
                continue; // its exports were all wrong, and said so
            }
            try {
                RuntimeSpec s = spec(r);
                PoolLayout l = RuntimeHost.layoutOf(s);
                for (ConfiguredRuntime o : out) {
                    long a0 = o.layout().physBase();
                    long a1 = a0 + o.layout().size();
                    if (l.physBase() < a1 && a0 < l.physBase() + l.size()) {
                        errors.add(new ConfigError(
                                file,
                                r.line(),
                                String.format(
                                        "runtime %s: pool [0x%x, 0x%x) overlaps runtime %s's [0x%x, 0x%x) (line %d)"
                                                + " (expected: pools at distinct physical addresses)",
                                        r.name(),
                                        l.physBase(),
                                        l.physBase() + l.size(),
                                        o.config().name(),
                                        a0,
                                        a1,
                                        o.config().line())));
                    }
                }
                out.add(new ConfiguredRuntime(r, s, l));
            } catch (IllegalArgumentException e) {
                errors.add(new ConfigError(file, r.line(), e.getMessage()));
            }
        }
        return out;
    }
}

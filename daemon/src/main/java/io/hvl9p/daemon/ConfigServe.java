package io.hvl9p.daemon;

import io.hvl9p.daemon.runtime.RuntimeHost;
import io.hvl9p.exports.config.DaemonConfig;
import io.hvl9p.exports.policy.ExportPolicy;
import io.hvl9p.exports.policy.PolicyBackend;
import io.hvl9p.exports.policy.SwitchingBackend;
import io.hvl9p.server.Server;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.server.net.SocketListener;
import io.hvl9p.server.spi.Backend;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code serve --config FILE}: the whole daemon from one configuration file. Every runtime gets
 * its pool and devices; every export, on a runtime's 9p device and on the listeners bound to that
 * runtime alike, is the Linux backend under the export's policy decorator, so one set of rules
 * holds on every transport. A listener's server holds exactly its runtime's exports.
 */
final class ConfigServe implements AutoCloseable {
    private final List<RuntimeHost> hosts = new ArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<SocketListener> listeners = new ArrayList<>();

    /** Every served export by "runtime/tag": its device's and its listeners' backends. */
    private final Map<String, List<SwitchingBackend>> exports = new java.util.concurrent.ConcurrentHashMap<>();

    private static Backend linux(ExportPolicy p) {
        return LinuxBackend.open(p.path(), new LinuxBackend.Options(p.readOnly(), p.deviceNodes()));
    }

    /** An export's host directory under its policy decorator (for a policy that never changes). */
    static Backend open(ExportPolicy p) {
        return PolicyBackend.wrap(linux(p), p);
    }

    /** The policy-wrapped, replaceable backend of one export of {@code runtime}. */
    private Backend open(String runtime, ExportPolicy p) {
        SwitchingBackend b = SwitchingBackend.of(linux(p), p);
        exports.computeIfAbsent(runtime + "/" + p.name(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(b);
        return b;
    }

    /**
     * Applies a new, valid configuration (SIGHUP): an export still there gets its new policy for
     * new attaches; an export gone from the file is revoked (ESTALE for its sessions). Runtimes,
     * pools, devices and listeners themselves are not rebuilt: what the new file adds there is
     * reported and takes effect at the next start.
     *
     * @return one line per change or per thing left for the next start
     */
    List<String> reload(ConfigCommand.Loaded loaded) {
        List<String> out = new ArrayList<>();
        Map<String, ExportPolicy> next = new HashMap<>();
        for (ConfiguredRuntime r : loaded.runtimes()) {
            for (ExportPolicy p : r.config().policies()) {
                next.put(r.config().name() + "/" + p.name(), p);
            }
        }
        for (var e : exports.entrySet()) {
            ExportPolicy p = next.get(e.getKey());
            if (p == null) {
                if (!e.getValue().getFirst().isRevoked()) {
                    e.getValue().forEach(SwitchingBackend::revoke);
                    out.add("export " + e.getKey() + " revoked (gone from the file)");
                }
            } else if (!p.equals(e.getValue().getFirst().policy())) {
                for (SwitchingBackend b : e.getValue()) {
                    b.replace(linux(p), p);
                }
                out.add("export " + e.getKey() + ": new policy for new attaches");
            }
        }
        for (String k : next.keySet()) {
            if (!exports.containsKey(k)) {
                out.add("export " + k + " is new: it needs a device, served from the next start");
            }
        }
        return out;
    }

    /** The smallest of {@code max} and the policies' own caps. */
    static int msize(int max, List<ExportPolicy> policies) {
        int m = max;
        for (ExportPolicy p : policies) {
            if (p.msizeCap() > 0) {
                m = Math.min(m, p.msizeCap());
            }
        }
        return m;
    }

    /**
     * Starts everything {@code loaded} describes; on any failure stops what was started and throws.
     *
     * @param base server settings (workers, trace, inline) for a given max msize
     */
    static ConfigServe start(
            ConfigCommand.Loaded loaded, Function<Integer, ServerConfig.Builder> base, int maxMsize, PrintWriter out)
            throws IOException {
        ConfigServe s = new ConfigServe();
        try {
            Map<String, List<ExportPolicy>> byRuntime = new HashMap<>();
            for (ConfiguredRuntime r : loaded.runtimes()) {
                List<ExportPolicy> policies = r.config().policies();
                byRuntime.put(r.config().name(), policies);
                Map<String, ExportPolicy> byTag = new HashMap<>();
                policies.forEach(p -> byTag.put(p.name(), p));
                s.hosts.add(RuntimeHost.start(
                        r.spec(),
                        tag -> s.open(r.config().name(), byTag.get(tag)),
                        who -> {
                            String tag = who.substring(who.indexOf('/') + 1);
                            ExportPolicy p = byTag.get(tag);
                            return base.apply(msize(maxMsize, p == null ? List.of() : List.of(p)));
                        },
                        line -> {
                            synchronized (out) {
                                out.println(line);
                                out.flush();
                            }
                        }));
            }
            for (DaemonConfig.ListenerConfig l : loaded.config().listeners()) {
                List<ExportPolicy> policies = byRuntime.getOrDefault(l.runtime(), List.of());
                ServerConfig.Builder b = base.apply(msize(maxMsize, policies));
                for (ExportPolicy p : policies) {
                    b.export(p.name(), s.open(l.runtime(), p));
                }
                Server server = Server.start(b.build());
                s.servers.add(server);
                s.listeners.add(SocketListener.start(server, l.address()));
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    List<RuntimeHost> hosts() {
        return hosts;
    }

    List<SocketListener> listeners() {
        return listeners;
    }

    @Override
    public void close() {
        hosts.forEach(RuntimeHost::close);
        listeners.forEach(SocketListener::close);
        servers.forEach(Server::close);
    }
}

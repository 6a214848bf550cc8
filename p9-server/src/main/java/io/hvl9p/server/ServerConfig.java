package io.hvl9p.server;

import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.server.linux.LinuxUsers;
import io.hvl9p.server.spi.Backend;
import io.hvl9p.server.spi.Users;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Immutable server configuration; the builder fails fast and says why.
 *
 * @param exports the exports by name: a client's aname selects one by name, never a host path
 * @param users how Tattach's user becomes the identity requests act as
 * @param maxMsize the largest msize offered (the client's is taken when smaller)
 * @param workers platform threads that run requests (not virtual: identity switching is per OS thread)
 * @param maxInFlight the window of one connection: a request takes one permit plus one per 64 KiB
 *     of its frame, and the reader waits while the window is used up (bounds both the requests
 *     and the bytes a client can make the server hold)
 * @param trace where decoded messages go as one-line text, or null for none
 * @param lockWait how long a blocking Tlock is retried by the server before it answers BLOCKED
 * @param lockWaiters the permits for such waits, shared by all sessions (half the workers)
 * @param inlineWhenIdle whether a metadata request that arrives while its connection has nothing
 *     else outstanding runs on the connection's reader thread instead of being handed to a worker
 *     (saves two thread switches per round trip; a request that may wait never runs inline)
 */
public record ServerConfig(
        Map<String, Backend> exports,
        Users users,
        int maxMsize,
        int workers,
        int maxInFlight,
        Consumer<String> trace,
        Duration lockWait,
        Semaphore lockWaiters,
        boolean inlineWhenIdle) {
    /** 1 MiB of payload plus the I/O header. */
    public static final int DEFAULT_MAX_MSIZE = (1 << 20) + MiscConstants.IOHDRSZ;

    public ServerConfig {
        exports = Map.copyOf(exports);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, Backend> exports = new LinkedHashMap<>();
        private int maxMsize = DEFAULT_MAX_MSIZE;
        private int workers = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        private int maxInFlight = 256;
        private Consumer<String> trace;
        private Users users;
        private Duration lockWait = Duration.ofSeconds(20);
        private boolean inlineWhenIdle = true;

        private Builder() {}

        public Builder export(String name, Backend backend) {
            Objects.requireNonNull(backend);
            if (name == null || name.isEmpty() || name.contains("/") || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(
                        "export name '" + name + "' (expected: a non-empty name without '/' or NUL)");
            }
            if (exports.putIfAbsent(name, backend) != null) {
                throw new IllegalArgumentException("export name '" + name + "' given twice");
            }
            return this;
        }

        public Builder maxMsize(int v) {
            if (v < 4096 || v > (64 << 20)) {
                throw new IllegalArgumentException("max msize " + v + " (expected: 4096 .. 67108864)");
            }
            maxMsize = v;
            return this;
        }

        public Builder workers(int v) {
            if (v < 1 || v > 1024) {
                throw new IllegalArgumentException("workers " + v + " (expected: 1 .. 1024)");
            }
            workers = v;
            return this;
        }

        public Builder maxInFlight(int v) {
            if (v < 1 || v > 65535) {
                throw new IllegalArgumentException("max in flight " + v + " (expected: 1 .. 65535)");
            }
            maxInFlight = v;
            return this;
        }

        /** The user resolver; the default is the host's user database ({@link LinuxUsers#system()}). */
        public Builder users(Users v) {
            users = Objects.requireNonNull(v);
            return this;
        }

        /** 0 turns server-side lock waiting off (every conflict is answered BLOCKED at once). */
        public Builder lockWait(Duration v) {
            if (v.isNegative() || v.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("lock wait " + v + " (expected: 0 .. 10 minutes)");
            }
            lockWait = v;
            return this;
        }

        public Builder inlineWhenIdle(boolean v) {
            inlineWhenIdle = v;
            return this;
        }

        public Builder trace(Consumer<String> v) {
            trace = v;
            return this;
        }

        public ServerConfig build() {
            if (exports.isEmpty()) {
                throw new IllegalArgumentException("no export (expected: at least one)");
            }
            return new ServerConfig(
                    exports,
                    users != null ? users : LinuxUsers.system(),
                    maxMsize,
                    workers,
                    maxInFlight,
                    trace,
                    lockWait,
                    new Semaphore(Math.max(1, workers / 2)),
                    inlineWhenIdle);
        }
    }
}

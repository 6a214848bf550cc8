package io.hvl9p.conformance.load;

import io.hvl9p.protocol.client.SocketFrameChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/** Where the server under test listens: {@code tcp:HOST:PORT} or {@code unix:PATH}. */
public sealed interface Target {
    /** Opens one connection. */
    SocketFrameChannel connect() throws IOException;

    /** A TCP address; {@code host} may be a bracketed IPv6 literal in the text form. */
    record Tcp(String host, int port) implements Target {
        public Tcp {
            Objects.requireNonNull(host);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("empty host");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " (expected: 1..65535)");
            }
        }

        @Override
        public SocketFrameChannel connect() throws IOException {
            return SocketFrameChannel.tcp(host, port);
        }

        @Override
        public String toString() {
            return "tcp:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    record Unix(Path path) implements Target {
        public Unix {
            Objects.requireNonNull(path);
        }

        @Override
        public SocketFrameChannel connect() throws IOException {
            return SocketFrameChannel.unix(path);
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    static Target tcp(String host, int port) {
        return new Tcp(host, port);
    }

    static Target unix(Path path) {
        return new Unix(path);
    }

    /**
     * Parses {@code tcp:HOST:PORT} ({@code tcp:[::1]:564} for IPv6) or {@code unix:PATH}; throws
     * {@link IllegalArgumentException} saying what is wrong.
     */
    static Target parse(String spec) {
        if (spec.startsWith("unix:")) {
            String p = spec.substring("unix:".length());
            if (p.isEmpty()) {
                throw new IllegalArgumentException("target '" + spec + "': empty socket path");
            }
            return new Unix(Path.of(p));
        }
        if (spec.startsWith("tcp:")) {
            String rest = spec.substring("tcp:".length());
            int colon = rest.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("target '" + spec + "' (expected: tcp:HOST:PORT)");
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("target '" + spec + "': port is not a number");
            }
            try {
                return new Tcp(host, port);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("target '" + spec + "': " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("target '" + spec + "' (expected: tcp:HOST:PORT or unix:PATH)");
    }
}

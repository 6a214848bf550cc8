package io.hvl9p.server.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** Where to listen: {@code tcp:HOST:PORT} or {@code unix:PATH}. */
public sealed interface ListenAddress {
    SocketAddress socketAddress();

    record Tcp(String host, int port) implements ListenAddress {
        public Tcp {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " (expected: 0 .. 65535)");
            }
        }

        @Override
        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    record Unix(Path path) implements ListenAddress {
        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /**
     * Parses {@code tcp:HOST:PORT}, {@code tcp:[V6]:PORT} or {@code unix:PATH}.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    static ListenAddress parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("no address (expected: tcp:HOST:PORT or unix:PATH)");
        }
        if (s.startsWith("unix:")) {
            String p = s.substring(5);
            if (p.isEmpty()) {
                throw new IllegalArgumentException("'" + s + "': empty socket path (expected: unix:PATH)");
            }
            return new Unix(Path.of(p));
        }
        if (s.startsWith("tcp:")) {
            String rest = s.substring(4);
            int colon = rest.lastIndexOf(':');
            if (colon < 0 || (rest.startsWith("[") && colon < rest.indexOf(']'))) {
                throw new IllegalArgumentException("'" + s + "': no port (expected: tcp:HOST:PORT)");
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException(
                        "'" + s + "': empty host (expected: tcp:HOST:PORT, for example tcp:0.0.0.0:564)");
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "': port '" + rest.substring(colon + 1)
                        + "' is not a number (expected: tcp:HOST:PORT)");
            }
            try {
                return new Tcp(host, port);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + s + "': " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("'" + s + "' (expected: tcp:HOST:PORT or unix:PATH)");
    }
}

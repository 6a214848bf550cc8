package io.hvl9p.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** This JVM's open descriptors, as {@code /proc/self/fd} shows them: the one listing every leak check uses. */
public final class OpenFds {
    private OpenFds() {}

    /** Every open descriptor and what it points to. */
    public static Map<Integer, String> all() {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                try {
                    fds.put(
                            Integer.parseInt(p.getFileName().toString()),
                            Files.readSymbolicLink(p).toString());
                } catch (IOException gone) {
                    // closed between the listing and the readlink (the listing's own descriptor)
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }

    /**
     * As {@link #all}, without the jars class loading opens lazily and keeps, and the listing's
     * own directory descriptor: what a leak check compares.
     */
    public static Map<Integer, String> withoutJarsAndListing() {
        Map<Integer, String> fds = all();
        String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
        fds.values().removeIf(target -> target.endsWith(".jar") || target.equals(listing));
        return fds;
    }
}

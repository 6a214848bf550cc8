package io.hvl9p.daemon.acceptance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * A 9P2000.L server that the acceptance tests run as a separate process on an export directory.
 * {@code -Dhvl9p.acceptance.server=hvl9p} (the default) or {@code =diod} chooses one.
 */
interface ServerUnderTest {
    /** The name in test reports. */
    String name();

    /**
     * Starts the server exporting {@code exportDir} on a free TCP port on 127.0.0.1 and on a Unix
     * socket, and returns once both listen. The caller closes the result.
     */
    default RunningServer start(Path exportDir) throws IOException, InterruptedException {
        return start(exportDir, false);
    }

    /** As {@link #start(Path)}, with the export read-only when {@code readOnly}. */
    RunningServer start(Path exportDir, boolean readOnly) throws IOException, InterruptedException;

    /**
     * Cases of a guest script that this server is known to fail, with the reason in the
     * implementation's table: the tests then demand that nothing else fails. Empty for hvl9p.
     *
     * @param script the file name of the script, e.g. {@code smoke.sh}
     * @param cache the {@code --cache} mode of the mount ({@code none}, {@code loose})
     */
    default Set<String> knownFailures(String script, String cache) {
        return Set.of();
    }

    /** The server chosen by {@code hvl9p.acceptance.server}. */
    static ServerUnderTest fromSystemProperties() {
        String name =
                System.getProperty("hvl9p.acceptance.server", "hvl9p").trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "hvl9p", "hvl", "" -> new HvlServer();
            case "diod" -> new DiodServer();
            default ->
                throw new IllegalArgumentException(
                        "hvl9p.acceptance.server must be hvl9p or diod (expected: hvl9p|diod, got: " + name + ")");
        };
    }
}

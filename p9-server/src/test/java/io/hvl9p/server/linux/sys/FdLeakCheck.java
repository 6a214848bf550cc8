package io.hvl9p.server.linux.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.server.testing.OpenFds;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves descriptors open: compares /proc/self/fd before and after the
 * class. Jar files are ignored (class loading opens them lazily and keeps them), and so is the
 * listing's own /proc/PID/fd descriptor, whose number moves when a jar was opened in between.
 */
final class FdLeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FdLeakCheck.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        context.getStore(NS).put("fds", openFds());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        @SuppressWarnings("unchecked")
        Map<Integer, String> before =
                (Map<Integer, String>) context.getStore(NS).get("fds");
        Map<Integer, String> after = openFds();
        after.keySet().removeAll(before.keySet());
        String listing = "/proc/" + ProcessHandle.current().pid() + "/fd"; // openFds' own descriptors
        after.values().removeIf(target -> target.endsWith(".jar") || target.equals(listing));
        assertThat(after)
                .as("descriptors left open by %s", context.getDisplayName())
                .isEmpty();
    }

    static Map<Integer, String> openFds() {
        return OpenFds.all();
    }
}

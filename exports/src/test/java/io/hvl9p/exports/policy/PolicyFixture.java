package io.hvl9p.exports.policy;

import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.server.spi.Backend;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A policy export over a real LinuxBackend, driven on a {@link Worker}; closes what it opened. */
final class PolicyFixture implements AutoCloseable {
    final Worker w = new Worker();
    private final List<AutoCloseable> open = new ArrayList<>();
    /** The backend of the last attach. */
    PolicyBackend last;

    Node attach(ExportPolicy p, Identity who) {
        // Opened here, as root: the worker may be acting as someone who cannot reach the directory.
        Backend b = PolicyBackend.wrap(LinuxBackend.open(p.path(), LinuxBackend.Options.defaults()), p);
        open.add(b);
        last = (PolicyBackend) b;
        return w.call(() -> {
            Node root = b.attach(who);
            open.add(root);
            return root;
        });
    }

    /** A node the fixture closes at the end. */
    <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    static ExportPolicy policy(Path export) {
        return ExportPolicy.plain("m", export);
    }

    @Override
    public void close() {
        w.run(() -> {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        w.close();
    }
}

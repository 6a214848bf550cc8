package io.hvl9p.console;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Pumps an {@link InputStream} (a terminal's {@code System.in}, a socket) into a console's input on
 * a daemon thread, chunk by chunk as the bytes arrive, until end of stream, an error or {@link
 * #close}.
 */
public final class InputSource implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InputSource.class.getName());

    private final InputStream in;
    private final Thread thread;
    private volatile boolean closed;

    private InputSource(String name, InputStream in, Consumer<byte[]> target) {
        this.in = in;
        this.thread =
                Thread.ofPlatform().name("hvl9p-console-in-" + name).daemon().unstarted(() -> run(name, target));
    }

    /**
     * Starts pumping {@code in} into {@code target} (for example {@code device::input}).
     *
     * @param name for the thread's name and logs
     */
    public static InputSource pump(String name, InputStream in, Consumer<byte[]> target) {
        InputSource s = new InputSource(
                Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(in, "in"),
                Objects.requireNonNull(target, "target"));
        s.thread.start();
        return s;
    }

    /** A console's input as a target: the bytes the buffer refuses are dropped (the device counts them). */
    public static InputSource pump(String name, InputStream in, ConsoleDevice device) {
        return pump(name, in, device::input);
    }

    private void run(String name, Consumer<byte[]> target) {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                target.accept(Arrays.copyOf(buf, n));
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(Level.WARNING, "{0}: console input failed: {1}", name, e.toString());
            }
        }
    }

    /** Whether the pump is still reading. */
    public boolean isAlive() {
        return thread.isAlive();
    }

    /** Waits for the pump to end (end of stream); false on timeout. */
    public boolean join(java.time.Duration timeout) throws InterruptedException {
        return thread.join(timeout);
    }

    /** Closes the stream, which ends the pump. */
    @Override
    public void close() throws IOException {
        closed = true;
        in.close();
    }
}

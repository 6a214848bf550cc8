package io.hvl9p.console;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Prints {@code [runtime] line} to a {@link PrintStream} (standard output by default). Each line is
 * written and flushed under the stream's lock, so lines of several runtimes sharing the stream never
 * interleave mid-line.
 */
public final class StdoutSink implements ConsoleSink {
    private final PrintStream out;

    public StdoutSink() {
        this(System.out);
    }

    public StdoutSink(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public void line(String runtime, String line) {
        String text = "[" + runtime + "] " + line;
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }
}

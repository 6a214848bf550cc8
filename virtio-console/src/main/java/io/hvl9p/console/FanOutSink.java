package io.hvl9p.console;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends every line to several sinks. A sink that fails (an {@link IOException} or a runtime
 * exception) is logged and counted; the others still get the line, and the failing sink still gets
 * the next one (a full disk may recover). {@link #line} itself never throws.
 */
public final class FanOutSink implements ConsoleSink {
    private static final System.Logger LOG = System.getLogger(FanOutSink.class.getName());

    private final List<ConsoleSink> sinks;
    private final AtomicLong failures = new AtomicLong();

    public FanOutSink(List<? extends ConsoleSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    public static FanOutSink of(ConsoleSink... sinks) {
        return new FanOutSink(List.of(sinks));
    }

    @Override
    public void line(String runtime, String line) {
        for (ConsoleSink s : sinks) {
            try {
                s.line(runtime, line);
            } catch (IOException | RuntimeException e) {
                long n = failures.incrementAndGet();
                LOG.log(Level.WARNING, "console sink {0} failed ({1} failures so far): {2}", s, n, e.toString());
            }
        }
    }

    /** How many times a sink failed. */
    public long failures() {
        return failures.get();
    }

    /** Closes every sink; the first failure is thrown after all were tried. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (ConsoleSink s : sinks) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing console sink {0}: {1}", s, e.toString());
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

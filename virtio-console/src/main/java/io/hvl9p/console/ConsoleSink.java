package io.hvl9p.console;

import java.io.IOException;

/**
 * Where a runtime's console lines go (hvl-transport.md section 6): standard output, a log file, the
 * clients of an attachable socket. A line is already sanitised text (no line terminator, no control
 * characters but tab, see {@link LineAssembler}).
 *
 * <p>Threads: the device calls a sink from one thread of its own ({@link ConsoleDevice} never calls
 * a sink on the pool's controller thread), but a sink may be shared by several devices (one per
 * runtime), so implementations must be thread-safe.
 */
public interface ConsoleSink extends AutoCloseable {
    /**
     * One line of {@code runtime}'s output.
     *
     * @throws IOException if the line could not be written; the caller logs it and goes on
     */
    void line(String runtime, String line) throws IOException;

    /** Releases what the sink holds (a file). Lines after close are ignored or fail. */
    @Override
    default void close() throws IOException {}
}

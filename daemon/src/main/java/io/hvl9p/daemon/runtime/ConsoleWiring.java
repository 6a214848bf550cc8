package io.hvl9p.daemon.runtime;

import io.hvl9p.console.ConsoleDevice;
import io.hvl9p.console.ConsoleSink;
import io.hvl9p.console.FanOutSink;
import io.hvl9p.console.LogFileSink;
import io.hvl9p.console.SocketConsole;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A runtime's console device and where its lines go: standard output with the runtime's name as
 * prefix, a timestamped log file, and an attachable Unix socket whose clients see the output and
 * type the runtime's input.
 */
public final class ConsoleWiring implements AutoCloseable {
    private final ConsoleDevice device;
    private final List<ConsoleSink> sinks;
    private final SocketConsole socket;

    private ConsoleWiring(ConsoleDevice device, List<ConsoleSink> sinks, SocketConsole socket) {
        this.device = device;
        this.sinks = sinks;
        this.socket = socket;
    }

    /**
     * @param stdout receives {@code [runtime] line} when the spec sends lines to standard output
     * @throws IOException naming the runtime, if the log file or the socket cannot be opened
     */
    static ConsoleWiring create(RuntimeSpec spec, Consumer<String> stdout) throws IOException {
        List<ConsoleSink> sinks = new ArrayList<>();
        SocketConsole socket = null;
        try {
            if (spec.consoleStdout()) {
                sinks.add((runtime, line) -> stdout.accept("[" + runtime + "] " + line));
            }
            if (spec.consoleLog() != null) {
                sinks.add(LogFileSink.open(spec.consoleLog()));
            }
            if (spec.consoleSocket() != null) {
                socket = SocketConsole.listen(spec.consoleSocket());
                sinks.add(socket);
            }
        } catch (IOException e) {
            for (ConsoleSink s : sinks) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the open error is the one reported
                }
            }
            throw new IOException("runtime " + spec.name() + ": console: " + e.getMessage(), e);
        }
        ConsoleDevice device = new ConsoleDevice(spec.name(), new FanOutSink(sinks));
        if (socket != null) {
            socket.inputTo(device::input);
        }
        return new ConsoleWiring(device, sinks, socket);
    }

    public ConsoleDevice device() {
        return device;
    }

    /** Input for the runtime, as if typed on its console. */
    public void input(byte[] bytes) {
        device.input(bytes);
    }

    @Override
    public void close() {
        device.close();
        for (ConsoleSink s : sinks) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing for good
            }
        }
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing for good
            }
        }
    }
}

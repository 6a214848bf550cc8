package io.hvl9p.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hvl9p ctl}: talks to a running daemon's control socket ({@code serve --control PATH}). */
@Command(
        name = "ctl",
        mixinStandardHelpOptions = true,
        description = {
            "Send a command to a running 'hvl9p serve --control PATH':",
            "  status          one line per device of every runtime",
            "  reset RUNTIME   reset every device of a runtime's pool (run it before the",
            "                  runtime is (re)started, e.g. from a remoteproc start hook)"
        })
final class CtlCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--control", required = true, paramLabel = "PATH", description = "the daemon's control socket")
    Path control;

    @Parameters(arity = "1..2", paramLabel = "COMMAND", description = "status | reset RUNTIME")
    List<String> command;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(control));
            c.write(ByteBuffer.wrap((String.join(" ", command) + "\n").getBytes(StandardCharsets.UTF_8)));
            c.shutdownOutput();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
            String line;
            String last = null;
            while ((line = in.readLine()) != null) {
                last = line;
                if (!line.equals("ok")) {
                    (line.startsWith("error:") ? err : out).println(line);
                }
            }
            out.flush();
            err.flush();
            return "ok".equals(last) ? 0 : 1;
        } catch (IOException e) {
            err.println("hvl9p ctl: " + control + ": " + e.getMessage());
            return 1;
        }
    }
}

package io.hvl9p.daemon.acceptance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code hvl9p serve} as the server under test, started in its own JVM with the test JVM's class
 * path: {@code java -cp CP io.hvl9p.daemon.Main serve --listen tcp:127.0.0.1:PORT --listen
 * unix:SOCKET --export data=DIR} ({@code data=DIR,ro} for a read-only export); the aname is {@code data}. {@code -Dhvl9p.acceptance.trace=true}
 * adds {@code --trace} (the log is in the assertion messages), {@code -Dhvl9p.acceptance.opts=...}
 * sets extra mount options.
 */
final class HvlServer implements ServerUnderTest {
    static final String ANAME = "data";

    @Override
    public String name() {
        return "hvl9p";
    }

    @Override
    public RunningServer start(Path exportDir, boolean readOnly) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("hvl9p-serve-");
        Path socket = dir.resolve("hvl9p.sock");
        Path log = dir.resolve("hvl9p.log");
        int port = Host.freePort();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "io.hvl9p.daemon.Main",
                "serve",
                "--listen",
                "tcp:127.0.0.1:" + port,
                "--listen",
                "unix:" + socket,
                "--export",
                ANAME + "=" + exportDir + (readOnly ? ",ro" : "")));
        if (Boolean.getBoolean("hvl9p.acceptance.trace")) {
            cmd.add("--trace");
        }
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        RunningServer server = new RunningServer(
                "hvl9p", p, port, socket, ANAME, System.getProperty("hvl9p.acceptance.opts", ""), log, dir);
        server.awaitListening(Duration.ofSeconds(30));
        return server;
    }
}

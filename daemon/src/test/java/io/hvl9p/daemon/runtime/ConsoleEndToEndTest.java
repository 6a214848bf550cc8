package io.hvl9p.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.daemon.Await;
import io.hvl9p.transport.layout.PoolLayout;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A runtime's console end to end: its lines reach standard output with the runtime's name, the log
 * file with a timestamp and the socket's client; what the client types reaches the runtime.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleEndToEndTest {
    private static final String STAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @TempDir
    Path tmp;

    private Runtimes runtimes;

    @BeforeEach
    void setUp() {
        runtimes = new Runtimes(tmp);
    }

    @AfterEach
    void tearDown() {
        runtimes.close();
    }

    /** Reads from {@code ch} until {@code expected} has arrived. */
    private static String readUntil(SocketChannel ch, String expected) throws Exception {
        StringBuilder got = new StringBuilder();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            try {
                while (!got.toString().contains(expected)) {
                    buf.clear();
                    if (ch.read(buf) < 0) {
                        break;
                    }
                    got.append(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
                }
                return got.toString();
            } catch (IOException e) {
                return got + " (" + e + ")";
            }
        });
        return f.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void linesReachEverySinkAndSocketInputReachesTheRuntime(PoolLayout.Kind layout) throws Exception {
        Path log = tmp.resolve("rt1.log");
        Path sock = tmp.resolve("rt1.sock");
        Path share = Files.createDirectory(tmp.resolve("share"));
        Runtimes.Served s = runtimes.serve("rt1", layout, Map.of("share", share), true, log, sock);
        RuntimeSim sim = runtimes.attach(s);
        CompletableFuture<Integer> run = new CompletableFuture<>();
        Thread.ofPlatform().name("sim-rt1").start(() -> {
            try {
                run.complete(sim.run(new RuntimeSim.Script("hello console", false, 1, null)));
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        });
        Runtimes.awaitLine(s, "[rt1] hello console");
        assertThat(s.host().console().device().awaitOutput(Await.DEADLINE))
                .as("every sink had the line")
                .isTrue();

        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap("ping\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(readUntil(ch, "[rt1] got: ping\n"))
                    .as("the socket client sees the runtime's answer")
                    .endsWith("[rt1] got: ping\n")
                    .doesNotContain("hello console"); // sent before the client attached
        }
        assertThat(run.get(20, TimeUnit.SECONDS)).isZero();
        Runtimes.awaitLine(s, "[rt1] got: ping");
        assertThat(s.stdout()).containsExactly("[rt1] hello console", "[rt1] got: ping");
        Await.until(
                "the log file has both lines",
                () -> {
                    try {
                        return Files.readAllLines(log).size() >= 2;
                    } catch (IOException e) {
                        return false;
                    }
                },
                () -> log + " does not have both lines");
        List<String> logged = Files.readAllLines(log);
        assertThat(logged).hasSize(2);
        assertThat(logged.get(0)).matches(STAMP + " \\[rt1\\] hello console");
        assertThat(logged.get(1)).matches(STAMP + " \\[rt1\\] got: ping");
        s.host().close();
        assertThat(sock).as("the console socket is removed with the runtime").doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(PoolLayout.Kind.class)
    void inputTypedBeforeTheRuntimeReadsIsKeptAndAnsweredInOrder(PoolLayout.Kind layout) throws Exception {
        Path sock = tmp.resolve("rt2.sock");
        Runtimes.Served s = runtimes.serve("rt2", layout, Map.of(), true, null, sock);
        RuntimeSim sim = runtimes.attach(s);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap("one\ntwo\n".getBytes(StandardCharsets.UTF_8)));
            Await.until(
                    "the console has the typed input",
                    () -> s.host().console().device().pendingInput() == 8,
                    () -> "pending " + s.host().console().device().pendingInput());
            assertThat(sim.run(new RuntimeSim.Script(null, false, 2, null))).isZero();
            assertThat(readUntil(ch, "[rt2] got: two\n")).isEqualTo("[rt2] got: one\n[rt2] got: two\n");
        }
        Runtimes.awaitLine(s, "[rt2] got: two");
        assertThat(s.stdout()).containsExactly("[rt2] got: one", "[rt2] got: two");
    }
}

package io.hvl9p.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {
    @TempDir
    Path dir;

    @Test
    void inputSourcePumpsAStreamUntilItsEnd() throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputSource s =
                InputSource.pump("t", new ByteArrayInputStream("typed\n".getBytes(StandardCharsets.US_ASCII)), b -> {
                    synchronized (got) {
                        got.writeBytes(b);
                    }
                });
        assertThat(s.join(Duration.ofSeconds(5))).isTrue();
        synchronized (got) {
            assertThat(got.toString(StandardCharsets.US_ASCII)).isEqualTo("typed\n");
        }
    }

    @Test
    void socketConsoleSendsLinesToClientsAndTheirBytesToTheInput() throws Exception {
        Path path = dir.resolve("rt1.sock");
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        try (SocketConsole sc = SocketConsole.listen(path);
                SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            sc.inputTo(b -> {
                synchronized (in) {
                    in.writeBytes(b);
                }
            });
            client.connect(UnixDomainSocketAddress.of(path));
            TestDriver.await(() -> sc.clients() == 1, "client accepted");
            client.write(ByteBuffer.wrap("ls\n".getBytes(StandardCharsets.US_ASCII)));
            TestDriver.await(
                    () -> {
                        synchronized (in) {
                            return in.size() == 3;
                        }
                    },
                    "client input");
            sc.line("rt1", "hello");
            ByteBuffer buf = ByteBuffer.allocate(64);
            while (buf.position() < "[rt1] hello\n".length()) {
                assertThat(client.read(buf)).isPositive();
            }
            assertThat(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8))
                    .isEqualTo("[rt1] hello\n");
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void socketConsoleReplacesAStaleSocketButNotALiveOneOrAFile() throws IOException {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path)); // closing leaves the file, as a crash does
        }
        assertThat(path).exists();
        try (SocketConsole a = SocketConsole.listen(path)) {
            assertThatThrownBy(() -> SocketConsole.listen(path))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("another process listens");
            assertThat(a.path()).isEqualTo(path);
        }
        Path file = dir.resolve("file");
        Files.writeString(file, "keep me");
        assertThatThrownBy(() -> SocketConsole.listen(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a socket");
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }
}

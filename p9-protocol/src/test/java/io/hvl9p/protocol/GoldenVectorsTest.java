package io.hvl9p.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frames captured from real 9P2000.L sessions (the Linux 6.1 kernel client and diod's tools
 * talking to diod; see golden/README.md) decode and re-encode to the same bytes.
 */
class GoldenVectorsTest {
    record Captured(String file, int line, boolean fromClient, byte[] bytes) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    static Path dir() {
        try {
            return Path.of(GoldenVectorsTest.class.getResource("/golden").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resources golden/ missing", e);
        }
    }

    static List<Path> files() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".frames")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Captured> frames() {
        List<Captured> out = new ArrayList<>();
        for (Path f : files()) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] parts = l.split("\\s+", 2);
                assertThat(parts[0]).as(f + ":" + (i + 1)).isIn("C", "S");
                out.add(new Captured(
                        f.getFileName().toString(),
                        i + 1,
                        parts[0].equals("C"),
                        HexFormat.of().parseHex(parts[1])));
            }
        }
        return out;
    }

    @Test
    void capturesExistFromBothRealClients() {
        assertThat(files()).as("golden capture files").hasSizeGreaterThanOrEqualTo(2);
        assertThat(frames()).hasSizeGreaterThan(100);
    }

    @ParameterizedTest
    @MethodSource("frames")
    void decodesAndReencodesToTheSameBytes(Captured c) {
        ByteBuffer wire = ByteBuffer.wrap(c.bytes());
        Frame<? extends Message> f = c.fromClient()
                ? MessageDecoder.decodeRequest(wire.duplicate(), Integer.MAX_VALUE)
                : MessageDecoder.decodeReply(wire.duplicate(), Integer.MAX_VALUE);
        assertThat(f.message().type().isRequest()).isEqualTo(c.fromClient());
        assertThat(MessageEncoder.encode(f)).isEqualTo(wire);
    }

    @Test
    void capturesCoverTheMessagesRealClientsSend() {
        Set<MessageType> seen = EnumSet.noneOf(MessageType.class);
        for (Captured c : frames()) {
            seen.add(MessageType.ofCode(c.bytes()[4] & 0xff));
        }
        assertThat(seen)
                .contains(
                        MessageType.TVERSION,
                        MessageType.RVERSION,
                        MessageType.TATTACH,
                        MessageType.TWALK,
                        MessageType.RWALK,
                        MessageType.TGETATTR,
                        MessageType.RGETATTR,
                        MessageType.TLOPEN,
                        MessageType.TREAD,
                        MessageType.RREAD,
                        MessageType.TWRITE,
                        MessageType.TREADDIR,
                        MessageType.RREADDIR,
                        MessageType.TCLUNK,
                        MessageType.RLERROR);
    }
}

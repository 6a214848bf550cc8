package io.hvl9p.exports.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hvl9p.exports.config.DaemonConfig.Layout;
import io.hvl9p.exports.config.DaemonConfig.RuntimeConfig;
import io.hvl9p.exports.policy.ExportPolicy;
import io.hvl9p.server.net.ListenAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    @TempDir
    static Path tmp;

    static Path dir;
    static Path file;

    @BeforeEach
    void dirs() throws IOException {
        dir = Files.createDirectories(tmp.resolve("share"));
        Files.writeString(tmp.resolve("plain-file"), "x");
        file = tmp.resolve("c.toml");
    }

    private static DaemonConfig load(String text) throws ConfigException, IOException {
        Files.writeString(file, text.replace("@DIR@", dir.toString()).replace("@TMP@", tmp.toString()));
        return ConfigLoader.load(file);
    }

    private static List<String> errors(String text) throws IOException {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(text));
        assertThat(e).as("errors for:\n" + text).isNotNull();
        return e.errors().stream()
                .map(x -> x.toString().substring(file.toString().length()))
                .toList();
    }

    @Test
    void aFullFileGivesEveryValue() throws Exception {
        DaemonConfig c = load(
                """
                [[runtime]]
                name = "rt1"
                pool = "shm:pool-a"
                size = "4M"
                phys-base = 0x3800_0000
                layout = "packed"
                doorbell = "poll:2ms"
                poll-time = "10us"
                [runtime.console]
                stdout = false
                log = "@TMP@/rt1.log"
                socket = "@TMP@/rt1.sock"
                memory = "48K"
                [[runtime.export]]
                tag = "share"
                path = "@DIR@"
                read-only = true
                squash = "all"
                anon-uid = 1234
                anon-gid = 4321
                uid-map = { 1000 = 0, 1001 = 5 }
                gid-map = { 100 = 10 }
                deny = ["**/.git", "secret/*"]
                device-nodes = true
                msize-cap = 65536
                memory = 0x10_0000

                [[runtime]]
                name = "rt2"
                [[runtime.export]]
                tag = "other"
                path = "@DIR@"

                [[listener]]
                address = "tcp:127.0.0.1:5640"
                runtime = "rt1"
                [[listener]]
                address = "unix:@TMP@/9p.sock"
                runtime = "rt2"
                """);
        assertThat(c.file()).isEqualTo(file);
        assertThat(c.runtimes()).hasSize(2);
        assertThat(c.exportCount()).isEqualTo(2);
        RuntimeConfig r = c.runtime("rt1").orElseThrow();
        assertThat(r)
                .isEqualTo(new RuntimeConfig(
                        "rt1",
                        1,
                        "shm:pool-a",
                        4 << 20,
                        0x38000000L,
                        Layout.PACKED,
                        "poll:2ms",
                        Duration.ofNanos(10_000),
                        new DaemonConfig.ConsoleConfig(
                                9, false, tmp.resolve("rt1.log"), tmp.resolve("rt1.sock"), 48 * 1024 - 0x200),
                        List.of(new DaemonConfig.ExportConfig(
                                14,
                                new ExportPolicy(
                                        "share",
                                        dir,
                                        true,
                                        ExportPolicy.Squash.ALL,
                                        1234,
                                        4321,
                                        Map.of(1000, 0, 1001, 5),
                                        Map.of(100, 10),
                                        List.of("**/.git", "secret/*"),
                                        true,
                                        65536),
                                0x100000 - 0x200))));
        RuntimeConfig r2 = c.runtime("rt2").orElseThrow();
        assertThat(r2.pool()).isEqualTo("shm:hvl9p-rt2");
        assertThat(r2.doorbell()).isEqualTo("fifo:/dev/shm/hvl9p-rt2");
        assertThat(r2.size()).isZero();
        assertThat(r2.physBase()).isEqualTo(0x37000000L);
        assertThat(r2.layout()).isEqualTo(Layout.DTB);
        assertThat(r2.pollTime()).isEqualTo(Duration.ofNanos(50_000));
        assertThat(r2.console()).isNull();
        assertThat(r2.policies()).containsExactly(ExportPolicy.plain("other", dir));
        assertThat(r2.exports().getFirst().memory()).isEqualTo(0x200000 - 0x200);
        assertThat(c.listeners())
                .containsExactly(
                        new DaemonConfig.ListenerConfig(34, new ListenAddress.Tcp("127.0.0.1", 5640), "rt1"),
                        new DaemonConfig.ListenerConfig(37, ListenAddress.parse("unix:" + tmp + "/9p.sock"), "rt2"));
    }

    private static final String OK_RT =
            """
            [[runtime]]
            name = "rt1"
            [[runtime.export]]
            tag = "share"
            path = "@DIR@"
            """;

    /** Broken files and exactly the errors they give (":LINE: message" after the file name). */
    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("", List.of(": no runtime (expected: at least one [[runtime]] table)")),
                Arguments.of(
                        OK_RT + "sise = 1\n",
                        List.of(
                                ":6: unknown key sise in [[runtime.export]] (expected: one of tag, path, read-only,"
                                        + " squash, anon-uid, anon-gid, uid-map, gid-map, deny, device-nodes, msize-cap, memory)")),
                Arguments.of(
                        "[[runtime]]\nname = \"a\"\nsise = 4096\nlayuot = \"dtb\"\n[runtime.console]\nstdot = true\n",
                        List.of(
                                ":3: unknown key sise in [[runtime]]; did you mean size? (expected: one of name, pool,"
                                        + " size, phys-base, layout, doorbell, poll-time, console, export)",
                                ":4: unknown key layuot in [[runtime]]; did you mean layout? (expected: one of name,"
                                        + " pool, size, phys-base, layout, doorbell, poll-time, console, export)",
                                ":6: unknown key stdot in [runtime.console]; did you mean stdout? (expected: one of"
                                        + " stdout, log, socket, memory)")),
                Arguments.of(
                        "server = 1\n" + OK_RT,
                        List.of(":1: unknown key server in the top level (expected: one of runtime, listener)")),
                Arguments.of(
                        "[runtime]\nname = \"a\"\n",
                        List.of(
                                ": no runtime (expected: at least one [[runtime]] table)",
                                ":1: runtime is a table (expected: [[runtime]] tables)")),
                Arguments.of(
                        "[[runtime]]\nname = 5\nsize = true\nlayout = \"tiny\"\n[[runtime.export]]\npath = \"@DIR@\"\nread-only = \"yes\"\n",
                        List.of(
                                ":2: name is an integer (expected: a string)",
                                ":3: size is a boolean (expected: an integer or a size string such as \"2M\")",
                                ":4: layout \"tiny\" (expected: \"dtb\" or \"packed\")",
                                ":5: [[runtime.export]] has no tag (expected: tag = \"...\", its mount tag and aname)",
                                ":7: read-only is a string (expected: true or false)")),
                Arguments.of(
                        "[[runtime]]\n[runtime.console]\n",
                        List.of(":1: [[runtime]] has no name (expected: name = \"...\")")),
                Arguments.of(
                        "[[runtime]]\nname = \"-bad\"\n[runtime.console]\n",
                        List.of(":2: runtime name \"-bad\" (expected: 1 to 64 of A-Z a-z 0-9 _ . -, starting with a"
                                + " letter or digit)")),
                Arguments.of(
                        "[[runtime]]\nname = \"a\"\n",
                        List.of(
                                ":1: runtime a has no devices (expected: [[runtime.export]] and/or [runtime.console])")),
                Arguments.of(
                        OK_RT + OK_RT,
                        List.of(":7: runtime name rt1 is already used on line 1 (expected: a name of its own for each"
                                + " runtime)")),
                Arguments.of(
                        OK_RT + "[[runtime.export]]\ntag = \"share\"\npath = \"@DIR@\"\n",
                        List.of(":7: export tag share is already used in runtime rt1 on line 3 (expected: a tag of its"
                                + " own for each export of a runtime)")),
                Arguments.of(
                        "[[runtime]]\nname = \"a\"\npool = \"shm:p\"\ndoorbell = \"fifo:/tmp/x/../bell\"\n[runtime.console]\n"
                                + "[[runtime]]\nname = \"b\"\npool = \"shm:p\"\ndoorbell = \"fifo:/tmp/bell\"\n[runtime.console]\n"
                                + "[[runtime]]\nname = \"c\"\ndoorbell = \"poll\"\n[runtime.console]\n"
                                + "[[runtime]]\nname = \"d\"\ndoorbell = \"poll\"\n[runtime.console]\n",
                        List.of(
                                ":8: pool shm:p is already runtime a's (line 1) (expected: one pool per runtime)",
                                ":9: doorbell fifo:/tmp/bell is already runtime a's (line 1) (expected: one doorbell per"
                                        + " runtime)")),
                Arguments.of(
                        "[[runtime]]\nname = \"a\"\npool = \"shm:x/y\"\ndoorbell = \"bell\"\npoll-time = \"5 minutes\"\n"
                                + "size = 0x1234\nphys-base = 0x37000100\n[runtime.console]\nmemory = \"1000\"\n"
                                + "log = \"rel.log\"\nsocket = \"/nonexistent-dir/s\"\n",
                        List.of(
                                ":3: pool \"shm:x/y\" (expected: shm:NAME, a file in /dev/shm, or uio:/dev/uioN)",
                                ":4: doorbell \"bell\" (expected: fifo:PATH, umb:DEVICE,"
                                        + " uio:/dev/uioN[,irq-map=M,irq-offset=0xOFF,irq-value=V], poll or poll:INTERVAL)",
                                ":5: poll-time \"5 minutes\" (expected: 0, or a number with ns, us, ms or s)",
                                ":6: size 0x1234 (expected: a positive multiple of 4 KiB)",
                                ":7: phys-base 0x37000100 is not 4 KiB aligned (expected: a multiple of 0x1000)",
                                ":9: memory 0x3e8 (expected: a block of 4 KiB to 1 GiB, a multiple of 4 KiB, such as"
                                        + " \"24K\" or \"2M\")",
                                ":10: log rel.log is relative (expected: an absolute path)",
                                ":11: socket /nonexistent-dir/s: directory /nonexistent-dir does not exist (expected: a"
                                        + " file in an existing directory)")),
                Arguments.of(
                        "[[runtime]]\nname = \"a\"\n[[runtime.export]]\ntag = \"x\"\npath = \"@DIR@/missing\"\n"
                                + "[[runtime.export]]\ntag = \"y\"\npath = \"@TMP@/plain-file\"\n"
                                + "[[runtime.export]]\ntag = \"z\"\npath = \"relative/dir\"\n",
                        List.of(
                                ":5: path @DIR@/missing does not exist (expected: an existing directory)",
                                ":8: path @TMP@/plain-file is not a directory (expected: a directory)",
                                ":11: path relative/dir is relative (expected: an absolute path)")),
                Arguments.of(
                        "[[runtime]]\nname = \"a\"\n[[runtime.export]]\ntag = \"a-tag-that-is-longer-than-32-bytes\"\n"
                                + "path = \"@DIR@\"\nsquash = \"some\"\nanon-uid = -1\nanon-gid = 4294967296\n"
                                + "uid-map = { 1000 = -5, x = 1 }\ngid-map = [1]\ndeny = [\"/abs\", \"a/../b\", 3]\n"
                                + "msize-cap = 100\nmemory = \"2M\"\n",
                        List.of(
                                ":4: tag \"a-tag-that-is-longer-than-32-bytes\" is 34 bytes (expected: 1 to 32 bytes)",
                                ":6: squash \"some\" (expected: \"none\", \"root\" or \"all\")",
                                ":7: anon-uid -1 is out of range (expected: 0 to 2147483647)",
                                ":8: anon-gid 4294967296 is out of range (expected: 0 to 2147483647)",
                                ":9: uid-map 1000: host id -5 is out of range (expected: 0 to 2147483647)",
                                ":9: uid-map: client id x (expected: an id from 0 to 2147483647)",
                                ":10: gid-map is an array (expected: an inline table such as { 1000 = 0 })",
                                ":11: deny pattern \"/abs\" (expected: a non-empty glob relative to the export root, no"
                                        + " leading /)",
                                ":11: deny pattern \"a/../b\" has an empty, . or .. component (expected: names and globs"
                                        + " separated by single /)",
                                ":11: deny entry is an integer (expected: a glob string)",
                                ":12: msize-cap 100 (expected: 0 for no cap, or 4096 to 2147483647)")),
                Arguments.of(
                        OK_RT + "[[runtime]]\nname = \"con\"\n[runtime.console]\n"
                                + "[[listener]]\naddress = \"tcp:127.0.0.1:5640\"\nruntime = \"rt9\"\n"
                                + "[[listener]]\naddress = \"tcp:127.0.0.1:5640\"\nruntime = \"rt1\"\n"
                                + "[[listener]]\naddress = \"tcp:127.0.0.1:5640\"\nruntime = \"rt1\"\n"
                                + "[[listener]]\naddress = \"udp:x\"\nruntime = \"con\"\n"
                                + "[[listener]]\n",
                        List.of(
                                ":11: listener runtime rt9 is not defined (expected: one of rt1, con)",
                                ":16: listener address tcp:127.0.0.1:5640 is already used on line 12 (expected: each"
                                        + " address once)",
                                ":19: address 'udp:x' (expected: tcp:HOST:PORT or unix:PATH)",
                                ":20: listener runtime con has no exports (expected: a runtime with [[runtime.export]]"
                                        + " tables)",
                                ":21: [[listener]] has no address (expected: address = \"tcp:HOST:PORT\" or \"unix:PATH\")",
                                ":21: [[listener]] has no runtime (expected: runtime = \"NAME\", whose exports its clients"
                                        + " reach)")),
                Arguments.of(
                        "[[runtime]]\nname = \"a\"\nconsole = true\n",
                        List.of(":3: console is a boolean (expected: a [runtime.console] table)")),
                Arguments.of(
                        "[[runtime]]\nname = \"a\"\nsize = \"lots\"\nphys-base = -4096\n[runtime.console]\n",
                        List.of(
                                ":3: size \"lots\" (expected: an integer or a size such as \"24K\", \"2M\", \"0x5e00\")",
                                ":4: phys-base -4096 is negative (expected: a size or address >= 0)")),
                Arguments.of(
                        "[[runtime]]\nname = \"a\"\n[runtime.console]\n[runtime.console]\n",
                        List.of(":4: [runtime.console] is already defined as a table (line 3) (expected: each table"
                                + " once)")));
    }

    @ParameterizedTest
    @MethodSource("broken")
    void brokenFilesGiveEveryErrorWithItsLine(String text, List<String> expected) throws IOException {
        assertThat(errors(text))
                .containsExactlyElementsOf(expected.stream()
                        .map(s -> s.replace("@DIR@", dir.toString()).replace("@TMP@", tmp.toString()))
                        .toList());
    }

    @Test
    void anUnreadableFileIsOneError() {
        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(tmp.resolve("absent.toml")));
        assertThat(e.errors()).hasSize(1);
        assertThat(e.errors().getFirst().line()).isZero();
        assertThat(e.getMessage())
                .isEqualTo(tmp.resolve("absent.toml") + ": no such file (expected: a configuration file)");
    }

    @Test
    void invalidUtf8IsOneError() throws IOException {
        Files.write(file, new byte[] {'a', ' ', '=', ' ', '"', (byte) 0xff, '"', '\n'});
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e.getMessage()).isEqualTo(file + ": not valid UTF-8 (expected: a UTF-8 text file)");
    }

    @Test
    void sizesAndDurations() {
        assertThat(ConfigLoader.parseSize("24K")).isEqualTo(24 * 1024L);
        assertThat(ConfigLoader.parseSize("2M")).isEqualTo(2L << 20);
        assertThat(ConfigLoader.parseSize("1G")).isEqualTo(1L << 30);
        assertThat(ConfigLoader.parseSize("0x5e00")).isEqualTo(0x5e00L);
        assertThat(ConfigLoader.parseSize("4096")).isEqualTo(4096L);
        assertThat(ConfigLoader.parseSize("1_024")).isEqualTo(1024L);
        assertThat(ConfigLoader.parseSize("x")).isNull();
        assertThat(ConfigLoader.parseSize("0x")).isNull();
        assertThat(ConfigLoader.parseSize("99999999999G")).isNull();
        assertThat(ConfigLoader.duration("0")).isEqualTo(Duration.ZERO);
        assertThat(ConfigLoader.duration("50us")).isEqualTo(Duration.ofNanos(50_000));
        assertThat(ConfigLoader.duration("2ms")).isEqualTo(Duration.ofMillis(2));
        assertThat(ConfigLoader.duration("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(ConfigLoader.duration("1h")).isNull();
    }

    @Test
    void didYouMeanOnlyForCloseKeys() {
        assertThat(ConfigLoader.closest("readonly", List.of("read-only", "tag")))
                .isEqualTo("read-only");
        assertThat(ConfigLoader.closest("frobnicate", List.of("read-only", "tag")))
                .isNull();
    }
}

package io.hvl9p.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {
    @TempDir
    Path tmp;

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    /**
     * examples/hvl9p.toml with its host paths (all under /srv/hvl9p) moved into {@code root}, whose
     * directories are created.
     */
    static Path example(Path root) throws IOException {
        for (String d : new String[] {"firmware", "scratch", "zephyr-logs", "log", "run"}) {
            Files.createDirectories(root.resolve(d));
        }
        String text = Files.readString(Path.of("../examples/hvl9p.toml")).replace("/srv/hvl9p", root.toString());
        Path f = root.resolve("hvl9p.toml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void theExampleChecks() throws IOException {
        Path f = example(tmp);
        Result r = run("config", "check", f.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(f + ": ok (2 runtimes, 3 exports, 2 listeners)\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void theExampleWithoutItsDirectoriesFailsOnEachPath() throws IOException {
        Path f = example(tmp);
        Files.delete(tmp.resolve("firmware"));
        Files.delete(tmp.resolve("zephyr-logs"));
        Result r = run("config", "check", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines())
                .containsExactly(
                        f + ":33: path " + tmp + "/firmware does not exist (expected: an existing directory)",
                        f + ":70: path " + tmp + "/zephyr-logs does not exist (expected: an existing directory)");
    }

    @Test
    void checkPrintsEveryErrorIncludingPoolsThatDoNotFit() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("d"));
        Path f = tmp.resolve("bad.toml");
        Files.writeString(
                f,
                """
                [[runtime]]
                name = "small"
                size = "64K"
                phys-base = 0x3000_0000
                [[runtime.export]]
                tag = "a"
                path = "%s"

                [[runtime]]
                name = "first"
                [runtime.console]

                [[runtime]]
                name = "over"
                phys-base = 0x3701_0000
                [runtime.console]

                [[runtime]]
                name = "many"
                phys-base = 0x4000_0000
                layout = "packed"
                %s
                [[listener]]
                address = "tcp:127.0.0.1:1"
                runtime = "nobody"
                """
                        .formatted(
                                d,
                                "[[runtime.export]]\ntag = \"t%d\"\npath = \"%s\"\n"
                                        .repeat(9)
                                        .formatted(0, d, 1, d, 2, d, 3, d, 4, d, 5, d, 6, d, 7, d, 8, d)));
        Result r = run("config", "check", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().lines())
                .containsExactly(
                        f + ":1: runtime small: device 0: block [0x10000, 0x210000) does not fit in the pool of 0x10000"
                                + " bytes",
                        f + ":13: runtime over: pool [0x37010000, 0x37026000) overlaps runtime first's [0x37000000,"
                                + " 0x37016000) (line 9) (expected: pools at distinct physical addresses)",
                        f + ":18: runtime many: 9 devices do not fit the packed layout's 4 KiB header area (expected:"
                                + " <= 8)",
                        f + ":52: listener runtime nobody is not defined (expected: one of small, first, over, many)");
    }

    @Test
    void checkOfAMissingFile() {
        Result r = run("config", "check", tmp.resolve("none.toml").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(tmp.resolve("none.toml") + ": no such file (expected: a configuration file)\n");
    }

    @Test
    void checkOfASyntaxError() throws IOException {
        Path f = tmp.resolve("s.toml");
        Files.writeString(f, "[[runtime]]\nname = \"a\nx = 1\n");
        Result r = run("config", "check", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(f + ":2: unterminated string (expected: a closing '\"' on the same line)\n");
    }

    @Test
    void showGivesTheEffectivePolicy() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("d"));
        Path f = tmp.resolve("c.toml");
        Files.writeString(
                f,
                """
                [[runtime]]
                name = "rt1"
                [runtime.console]
                stdout = false
                log = "%1$s/c.log"
                [[runtime.export]]
                tag = "ro"
                path = "%1$s/d"
                read-only = true
                squash = "all"
                anon-uid = 7
                anon-gid = 8
                uid-map = { 1001 = 5, 1000 = 0 }
                deny = ["**/.git", "x/*"]
                msize-cap = 65536
                memory = "64K"
                [[runtime.export]]
                tag = "rw"
                path = "%1$s/d"
                device-nodes = true
                [[listener]]
                address = "tcp:127.0.0.1:5640"
                runtime = "rt1"
                """
                        .formatted(tmp));
        Result r = run("config", "show", f.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.status()).isZero();
        String p = d.toString();
        String pad = " ".repeat(p.length() - 4);
        assertThat(r.out())
                .isEqualTo(
                        """
                        Runtimes
                          RUNTIME  POOL           PHYS-BASE   SIZE             LAYOUT  DOORBELL                 POLL  DEVICES  CONSOLE
                          rt1      shm:hvl9p-rt1  0x37000000  0x226000 (auto)  dtb     fifo:/dev/shm/hvl9p-rt1  50us  3        log %2$s/c.log

                        Exports
                          RUNTIME  TAG  PATH%3$s  MODE  SQUASH  ANON         UID-MAP        GID-MAP  DENY         DEV  MSIZE-CAP  DEVICE@     MEMORY
                          rt1      ro   %1$s  ro    all     7:8          1000=0,1001=5  -        **/.git,x/*  no   65536      0x37010000  0xfe00
                          rt1      rw   %1$s  rw    none    65534:65534  -              -        -            yes  -          0x37020000  0x1ffe00

                        Listeners
                          ADDRESS             RUNTIME  EXPORTS
                          tcp:127.0.0.1:5640  rt1      ro,rw
                        """
                                .formatted(p, tmp, pad));
    }

    @Test
    void showOfABrokenFileIsTheErrors() throws IOException {
        Path f = tmp.resolve("b.toml");
        Files.writeString(f, "[[runtime]]\nname = \"a\"\nbogus = 1\n[runtime.console]\n");
        Result r = run("config", "show", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith(f + ":3: unknown key bogus in [[runtime]] (expected: one of ");
    }

    @Test
    void configWithoutASubcommandIsAUsageError() {
        Result r = run("config");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("check").contains("show");
    }
}

package io.hvl9p.daemon.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * diod's own client tools against the server under test and against diod, both exporting the same
 * directory: {@code diodls} and {@code diodcat} must print the same. They are a second client
 * besides the kernel, with habits of their own: Tauth first (the server must answer ENOENT),
 * Tattach with the caller's uid, Twalk of a whole path, Treaddir and Tread with msize 65536.
 *
 * <p>Normalisations, only where servers may rightly differ: listings are compared as sorted lines,
 * because the order of Treaddir entries is the server's (diod's is the host's readdir order); and
 * the {@code .} and {@code ..} lines are dropped, because a server need not list them and diod's
 * {@code ..} at the export root describes the directory above the export, which a server that stays
 * inside its export does not show. Everything else (modes, link counts, owners, sizes, times,
 * names, file bytes, exit statuses, error messages) must be equal.
 *
 * <p>Against diod itself the comparison is trivially equal, so the output is also checked against
 * the tree: diodcat must print the files' bytes and diodls must list every name.
 */
@Tag("slow")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiodToolsTest {
    static final String SKIP_VARIABLE = "HVL9P_SKIP_DIOD_TOOLS";
    static final ServerUnderTest SERVER = ServerUnderTest.fromSystemProperties();
    static final FileTime MTIME = FileTime.from(Instant.parse("2021-02-03T04:05:06Z"));

    static Path top;
    static Path tree;
    static RunningServer reference;
    static RunningServer underTest;

    /** One tool run: the program, its arguments after -s/-a, and how to normalise its output. */
    record Invocation(String tool, List<String> args, boolean listing) {
        static Invocation ls(String... args) {
            return new Invocation("diodls", List.of(args), true);
        }

        static Invocation cat(String... args) {
            return new Invocation("diodcat", List.of(args), false);
        }

        @Override
        public String toString() {
            return tool + " " + String.join(" ", args);
        }
    }

    /** What a tool printed and its exit status. */
    record Output(int status, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    static Stream<Invocation> invocations() {
        return Stream.of(
                Invocation.ls("-l"),
                Invocation.ls(),
                Invocation.ls("-l", "sub"),
                Invocation.ls("-l", "sub/nested", "hello.txt"),
                Invocation.ls("-l", "missing"),
                Invocation.cat("hello.txt"),
                Invocation.cat("empty"),
                Invocation.cat("big.bin"),
                Invocation.cat("sub/nested/deep.txt", "sub/note.txt"),
                Invocation.cat("missing"));
    }

    @BeforeAll
    static void startServers() throws IOException, InterruptedException {
        for (String p : List.of("diod", "diodls", "diodcat")) {
            Host.require(
                    Host.program(p).isPresent(),
                    SKIP_VARIABLE,
                    p + " is not installed; apt-get install -y diod (it is the reference server and the client)");
        }
        top = Host.openDirectory(null, "hvl9p-diodtools-");
        tree = makeTree(top.resolve("export"));
        reference = new DiodServer().start(tree);
        underTest = SERVER.start(tree);
    }

    @AfterAll
    static void stopServers() throws IOException {
        for (RunningServer s : Arrays.asList(underTest, reference)) {
            if (s != null) {
                s.close();
            }
        }
        Host.deleteTree(top);
    }

    /**
     * hello.txt, an empty file, a 1 MiB file of seeded random bytes, sub/note.txt,
     * sub/nested/deep.txt and a symlink to hello.txt; every entry with one fixed mtime.
     */
    static Path makeTree(Path root) throws IOException {
        Files.createDirectories(root.resolve("sub/nested"));
        Files.writeString(root.resolve("hello.txt"), "hello, diod tools\n");
        Files.write(root.resolve("empty"), new byte[0]);
        byte[] big = new byte[1 << 20];
        new Random(20261203).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("sub/note.txt"), "a note\n");
        Files.writeString(root.resolve("sub/nested/deep.txt"), "two levels down\n");
        Files.createSymbolicLink(root.resolve("link"), Path.of("hello.txt"));
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p :
                    all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(MTIME, null, null);
            }
        }
        return root;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invocations")
    void sameOutputAsDiod(Invocation inv) throws IOException, InterruptedException {
        Output want = run(reference, inv);
        Output got = run(underTest, inv);
        String context = "\n--- " + inv + " against " + underTest + ", exit " + got.status() + ":\n" + got.text()
                + got.stderr() + "\n--- against diod, exit " + want.status() + ":\n" + want.text() + want.stderr()
                + "\n--- " + SERVER.name() + " output (last lines):\n" + underTest.logTail(30);
        assertThat(got.status()).as("exit status%s", context).isEqualTo(want.status());
        if (inv.listing()) {
            assertThat(normalised(got.text())).as("listing%s", context).isEqualTo(normalised(want.text()));
        } else {
            assertThat(got.stdout()).as("bytes%s", context).isEqualTo(want.stdout());
        }
        if (want.status() != 0) {
            assertThat(got.stderr()).as("error message%s", context).isEqualTo(want.stderr());
        }
        checkAgainstTree(inv, got, context);
    }

    /** What the tools must print whatever diod prints: the tree's own names and bytes. */
    private static void checkAgainstTree(Invocation inv, Output got, String context) throws IOException {
        List<String> paths = inv.args().stream().filter(a -> !a.startsWith("-")).toList();
        if (paths.contains("missing")) {
            assertThat(got.status())
                    .as("exit status for a missing file%s", context)
                    .isNotZero();
            assertThat(got.stderr()).as("error%s", context).contains("No such file or directory");
            return;
        }
        assertThat(got.status()).as("exit status%s", context).isZero();
        if (inv.listing()) {
            List<String> lastFields = got.text()
                    .lines()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.endsWith(":"))
                    .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .toList();
            for (Path dir : paths.isEmpty()
                    ? List.of(tree)
                    : paths.stream().map(tree::resolve).toList()) {
                List<String> names;
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> s = Files.list(dir)) {
                        names = s.map(p -> p.getFileName().toString()).toList();
                    }
                } else {
                    names = List.of(dir.getFileName().toString());
                }
                assertThat(lastFields).as("names listed for %s%s", dir, context).containsAll(names);
            }
        } else {
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            for (String p : paths) {
                want.write(Files.readAllBytes(tree.resolve(p)));
            }
            assertThat(got.stdout())
                    .as("diodcat output against the files' bytes%s", context)
                    .isEqualTo(want.toByteArray());
        }
    }

    /** The lines without "." and "..", sorted (see the class comment). */
    static List<String> normalised(String listing) {
        List<String> lines = new ArrayList<>(listing.lines()
                .filter(l -> !l.endsWith(" .") && !l.endsWith(" ..") && !l.equals(".") && !l.equals(".."))
                .toList());
        lines.sort(null);
        return lines;
    }

    static Output run(RunningServer server, Invocation inv) throws IOException, InterruptedException {
        Path tool = Host.program(inv.tool()).orElseThrow();
        List<String> cmd = new ArrayList<>(
                List.of(tool.toString(), "-t", "20", "-s", "127.0.0.1:" + server.port(), "-a", server.aname()));
        cmd.addAll(inv.args());
        Path out = Files.createTempFile(top, "out-", ".txt");
        Path err = Files.createTempFile(top, "err-", ".txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd + " did not finish within 60 s");
        }
        Output o = new Output(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return o;
    }
}

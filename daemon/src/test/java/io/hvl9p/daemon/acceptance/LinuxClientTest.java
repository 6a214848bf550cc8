package io.hvl9p.daemon.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Linux kernel's 9p client against the server under test: each row boots a guest
 * (linux-client's run-guest), mounts the server and runs a script; every case of the script must
 * pass, except those the server declares as known failures (none for hvl9p), and the export
 * directory must be empty afterwards. Rows run two at a time.
 *
 * <p>readonly.sh instead runs on a read-only export ({@code ,ro}) that the test fills with {@link
 * ReadOnlyFixture} first; there the tree must be exactly as before (a snapshot of names, modes,
 * owners, sizes, content hashes, mtimes and ctimes), not empty.
 *
 * <p>The matrix: smoke.sh at msize 8192 and 524288, each with cache=none and cache=loose; smoke.sh
 * over the Unix socket; every script of tests/guest/ once (msize 64 KiB, cache=none); and
 * rename-open.sh once more with cache=loose, the mode in which the kernel reuses fids walked
 * before a rename for every recently used file (linux-client/README); and readonly.sh.
 */
@Tag("slow")
@Execution(ExecutionMode.CONCURRENT)
class LinuxClientTest {
    static final ServerUnderTest SERVER = ServerUnderTest.fromSystemProperties();

    static Stream<GuestCase> matrix() {
        List<GuestCase> rows = new ArrayList<>();
        rows.add(GuestCase.script("many-files.sh")); // the slowest first, so that both guests stay busy
        for (int msize : new int[] {8192, 524288}) {
            rows.add(GuestCase.smoke(msize, "none"));
            rows.add(GuestCase.smoke(msize, "loose"));
        }
        for (String s :
                List.of("concurrency.sh", "xattrs.sh", "locks.sh", "deep-tree.sh", "rename-open.sh", "errors.sh")) {
            rows.add(GuestCase.script(s));
        }
        rows.add(GuestCase.script("rename-open.sh").withCache("loose"));
        rows.add(GuestCase.script("smoke.sh").overUnixSocket());
        rows.add(GuestCase.readOnly());
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    @Timeout(value = 1500, unit = TimeUnit.SECONDS)
    void scriptPasses(GuestCase c) throws IOException, InterruptedException {
        LinuxClient client = LinuxClient.get();
        Path base = c.tmpfsExport() ? Host.tmpfs().orElse(null) : null;
        Path top = Host.openDirectory(base, "hvl9p-accept-");
        try {
            Path export = Host.openDirectory(top, "export-");
            List<String> before = List.of();
            if (c.readOnlyExport()) {
                ReadOnlyFixture.populate(export);
                before = ReadOnlyFixture.snapshot(export);
            }
            GuestResult r;
            String serverLog;
            try (RunningServer server = SERVER.start(export, c.readOnlyExport())) {
                r = client.run(server, c, client.runDirectory(SERVER.name(), c.label()));
                serverLog = server.logTail(60);
            }
            check(c, r, serverLog);
            if (c.readOnlyExport()) {
                assertThat(ReadOnlyFixture.snapshot(export))
                        .as("the read-only export after %s (names, modes, sizes, content, times)", c.script())
                        .containsExactlyElementsOf(before);
                return;
            }
            List<String> left = Host.contents(export, 20);
            if (!r.failedCases().isEmpty() && !left.isEmpty()) {
                // a known failure (stale fids) can keep the script from removing its directory
                System.out.println(c.label() + ": left in the export after known failures: " + left);
                return;
            }
            assertThat(left)
                    .as("what %s left in the export directory (it removes its work directory)", c.script())
                    .isEmpty();
        } finally {
            Host.deleteTree(top);
        }
    }

    /** Asserts the result: a summary line, and no failed case but the server's known failures. */
    private static void check(GuestCase c, GuestResult r, String serverLog) {
        Set<String> known = SERVER.knownFailures(c.script(), c.cache());
        List<String> unexpected =
                r.failedCases().stream().filter(n -> !known.contains(n)).toList();
        String context = "\n--- " + c.label() + " against " + SERVER.name() + ": " + r.summaryLine()
                + (known.isEmpty() ? "" : "; known failures of " + SERVER.name() + ": " + known)
                + "\n--- console:\n" + r.console() + "\n--- server output (last lines):\n" + serverLog + "\n";
        assertThat(r.summary()).as("the script's summary line%s", context).isPresent();
        GuestResult.Summary s = r.summary().orElseThrow();
        assertThat(r.failedCases())
                .as("'not ok' lines against the summary's failed count%s", context)
                .hasSize(s.failed());
        assertThat(unexpected).as("failed cases%s", context).isEmpty();
        assertThat(r.status())
                .as("run-guest's exit status (the script's, 1 when a case failed)%s", context)
                .isEqualTo(s.failed() == 0 ? 0 : 1);
        assertThat(s.passed()).as("passed cases%s", context).isPositive();
        if (!r.failedCases().isEmpty()) {
            System.out.println(c.label() + ": known failures of " + SERVER.name() + ": " + r.failedCases());
        }
        List<String> nowPassing = known.stream()
                .filter(n -> !r.failedCases().contains(n) && r.console().contains("ok " + n))
                .toList();
        if (!nowPassing.isEmpty()) {
            System.out.println(
                    c.label() + ": listed as known failures of " + SERVER.name() + " but passed: " + nowPassing);
        }
        System.out.println(c.label() + " against " + SERVER.name() + ": " + r.summaryLine());
    }
}

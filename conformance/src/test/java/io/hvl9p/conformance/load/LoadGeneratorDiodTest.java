package io.hvl9p.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.conformance.load.LoadResult.CreateUnlinkDetail;
import io.hvl9p.conformance.load.LoadResult.ReadDetail;
import io.hvl9p.conformance.load.LoadResult.WriteDetail;
import io.hvl9p.conformance.load.LoadResult.WrittenFile;
import io.hvl9p.protocol.MiscConstants;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generator against a real diod: counted runs (no warm-up) whose operation and byte counts are
 * known in advance, checked against what the server left on disk.
 */
class LoadGeneratorDiodTest {
    /** Asked of diod, which accepts it (its own limit is 64 KiB): every Tread/Twrite carries 8 KiB. */
    static final int MSIZE = 8192 + MiscConstants.IOHDRSZ;

    static final int IO = 8192;
    /** Not a multiple of IO: a pass is 12 full reads and one of 1696 bytes. */
    static final long FILE = 100_000;

    static final int CHUNKS_PER_PASS = 13;

    @TempDir
    Path tmp;

    Path export;
    Diod diod;

    @BeforeEach
    void startDiod() throws Exception {
        export = Files.createDirectory(tmp.resolve("export"));
        diod = Diod.start(export, tmp.resolve("diod.log"));
    }

    @AfterEach
    void stopDiod() throws Exception {
        if (diod != null) {
            diod.close();
        }
    }

    LoadConfig.Builder config() {
        return LoadConfig.builder()
                .target(diod.target())
                .aname(export.toString())
                .msize(MSIZE)
                .warmup(Duration.ZERO)
                .fileSize(FILE)
                .timeout(Duration.ofSeconds(20));
    }

    List<String> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(export)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void getattrCountsEveryOperationOfEveryConnection() throws IOException {
        List<LoadResult> results = new LoadGenerator(config().workloads(Workload.GETATTR)
                        .connections(1, 3)
                        .depth(2)
                        .operations(300)
                        .build())
                .run();

        assertThat(results).extracting(LoadResult::connections).containsExactly(1, 3);
        for (LoadResult r : results) {
            assertThat(r.operations()).isEqualTo(300L * r.connections());
            assertThat(r.latency().count()).isEqualTo(r.operations());
            assertThat(r.latency().p50Nanos()).isPositive();
            assertThat(r.latency().p99Nanos())
                    .isGreaterThanOrEqualTo(r.latency().p50Nanos());
            assertThat(r.latency().maxNanos())
                    .isGreaterThanOrEqualTo(r.latency().p99Nanos());
            assertThat(r.bytes()).isZero();
            assertThat(r.msize()).isEqualTo(MSIZE);
            assertThat(r.opsPerSecond()).isPositive();
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void readReceivesExactlyTheFileInEveryPassAndTheFileHoldsThePattern() throws IOException {
        List<LoadResult> results = new LoadGenerator(config().workloads(Workload.READ)
                        .connections(1, 4)
                        .depth(3)
                        .operations(3 * CHUNKS_PER_PASS)
                        .keepFiles(true)
                        .build())
                .run();

        for (LoadResult r : results) {
            assertThat(r.ioSize()).isEqualTo(IO);
            assertThat(r.operations()).isEqualTo(3L * CHUNKS_PER_PASS * r.connections());
            assertThat(r.bytes()).isEqualTo(3 * FILE * r.connections());
            ReadDetail d = (ReadDetail) r.detail();
            assertThat(d.fileSize()).isEqualTo(FILE);
            assertThat(d.bytesPerPass()).isEqualTo(Collections.nCopies(3 * r.connections(), FILE));
            Path file = export.resolve(d.file());
            assertThat(Files.size(file)).isEqualTo(FILE);
            byte[] onDisk = Files.readAllBytes(file);
            ByteBuffer pattern = Session.pattern(IO);
            for (int i = 0; i < onDisk.length; i++) {
                if (onDisk[i] != pattern.get(i % IO)) {
                    throw new AssertionError("byte " + i + " of " + file + " is " + onDisk[i]);
                }
            }
        }
    }

    /** Writes are sequential and wrap at the file size: 5 ops stay short, 13 fill it, 20 wrap. */
    @ParameterizedTest
    @ValueSource(ints = {5, CHUNKS_PER_PASS, 20})
    void writeLeavesEachConnectionsFileAtTheSizeItWrote(int ops) throws IOException {
        long expectedBytes = 0;
        long expectedSize = 0;
        long offset = 0;
        for (int i = 0; i < ops; i++) {
            long n = Math.min(IO, FILE - offset);
            expectedBytes += n;
            expectedSize = Math.max(expectedSize, offset + n);
            offset = offset + n == FILE ? 0 : offset + n;
        }

        LoadResult r = new LoadGenerator(config().workloads(Workload.WRITE)
                        .connections(2)
                        .depth(2)
                        .operations(ops)
                        .keepFiles(true)
                        .build())
                .run()
                .getFirst();

        assertThat(r.operations()).isEqualTo(2L * ops);
        assertThat(r.bytes()).isEqualTo(2 * expectedBytes);
        List<WrittenFile> files = ((WriteDetail) r.detail()).files();
        assertThat(files).hasSize(2).extracting(WrittenFile::expectedSize).containsOnly(expectedSize);
        for (WrittenFile f : files) {
            assertThat(Files.size(export.resolve(f.name()))).as(f.name()).isEqualTo(expectedSize);
        }
        assertThat(leftovers())
                .containsExactlyElementsOf(
                        files.stream().map(WrittenFile::name).sorted().toList());
    }

    @Test
    void createUnlinkFallsBackToWalkRemoveOnDiodAndLeavesTheDirectoryEmpty() throws IOException {
        List<LoadResult> results = new LoadGenerator(config().workloads(Workload.CREATE_UNLINK)
                        .connections(1, 3)
                        .depth(3)
                        .operations(100)
                        .build())
                .run();

        for (LoadResult r : results) {
            assertThat(r.operations()).isEqualTo(100L * r.connections());
            assertThat(r.detail()).isEqualTo(new CreateUnlinkDetail(UnlinkMethod.WALK_REMOVE));
            assertThat(r.latency().count()).isEqualTo(r.operations());
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void runsOverAUnixSocketToo() throws IOException {
        LoadResult r = new LoadGenerator(config().target(diod.unixTarget())
                        .workloads(Workload.WRITE)
                        .connections(2)
                        .operations(CHUNKS_PER_PASS)
                        .build())
                .run()
                .getFirst();

        assertThat(r.operations()).isEqualTo(2L * CHUNKS_PER_PASS);
        assertThat(r.bytes()).isEqualTo(2 * FILE);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    @Tag("slow")
    void timedRunOfEveryWorkloadMeasuresSomethingAndCleansUp() throws IOException {
        List<LoadResult> results = new LoadGenerator(config().connections(1, 2)
                        .warmup(Duration.ofMillis(100))
                        .duration(Duration.ofMillis(300))
                        .build())
                .run();

        assertThat(results)
                .extracting(LoadResult::workload)
                .containsExactly(
                        Workload.GETATTR,
                        Workload.GETATTR,
                        Workload.READ,
                        Workload.READ,
                        Workload.WRITE,
                        Workload.WRITE,
                        Workload.CREATE_UNLINK,
                        Workload.CREATE_UNLINK);
        for (LoadResult r : results) {
            assertThat(r.operations()).as(r.workload() + " x" + r.connections()).isPositive();
            assertThat(r.elapsed()).isPositive();
            if (r.workload().measuresThroughput()) {
                assertThat(r.bytes()).isPositive().isLessThanOrEqualTo(r.operations() * IO);
            }
            if (r.detail() instanceof ReadDetail d) {
                // a loaded machine may finish no whole measured pass in 300 ms: every one it finishes counts
                assertThat(d.bytesPerPass()).allMatch(b -> b == FILE, "equals the file size");
            }
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void commandLineRunPrintsATableAndWritesJson() throws IOException {
        Path json = tmp.resolve("out.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LoadMain.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                "--target",
                diod.target().toString(),
                "--aname",
                export.toString(),
                "--uname=root",
                "--n-uname=0",
                "--workload",
                "getattr,create-unlink",
                "--connections",
                "2",
                "--ops",
                "50",
                "--warmup",
                "0",
                "--json",
                json.toString());

        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> table = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(table).hasSize(3);
        assertThat(table.get(1)).startsWith("getattr ").contains(" 100 ");
        assertThat(table.get(2)).startsWith("create-unlink ").contains(" 100 ").endsWith("Twalk+Tremove");
        List<String> lines = Files.readAllLines(json);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1))
                .startsWith("{\"workload\":\"getattr\",\"connections\":2,\"primary\":")
                .contains("\"operations\":100,");
        assertThat(lines.get(2))
                .startsWith("{\"workload\":\"create-unlink\",\"connections\":2,")
                .contains("\"unlink\":\"Twalk+Tremove\"");
        assertThat(leftovers()).isEmpty();
    }
}

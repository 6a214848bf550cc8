package io.hvl9p.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.conformance.load.LoadResult.CreateUnlinkDetail;
import io.hvl9p.conformance.load.LoadResult.ReadDetail;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generator over a Unix socket against a scripted in-memory server: what diod cannot show. */
class LoadGeneratorMemoryServerTest {
    @TempDir
    Path tmp;

    MemoryServer server;
    Path socket;

    @BeforeEach
    void start() throws Exception {
        socket = tmp.resolve("9p.sock");
        server = new MemoryServer(socket);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    LoadConfig.Builder config() {
        return LoadConfig.builder()
                .target("unix:" + socket)
                .warmup(Duration.ZERO)
                .fileSize(200_000)
                .timeout(Duration.ofSeconds(5));
    }

    @Test
    void usesTunlinkatWhereTheServerHasIt() throws Exception {
        LoadResult r = new LoadGenerator(config().workloads(Workload.CREATE_UNLINK)
                        .connections(2)
                        .operations(40)
                        .build())
                .run()
                .getFirst();

        assertThat(r.detail()).isEqualTo(new CreateUnlinkDetail(UnlinkMethod.UNLINKAT));
        assertThat(r.operations()).isEqualTo(80);
        assertThat(server.unlinkats.get()).isEqualTo(81); // the probe and every operation
        assertThat(server.removes.get()).isZero();
        assertThat(server.names()).isEmpty();
    }

    @Test
    void fallsBackToWalkAndTremoveOnEopnotsupp() throws Exception {
        server.unlinkat = false;
        LoadResult r = new LoadGenerator(config().workloads(Workload.CREATE_UNLINK)
                        .connections(1)
                        .operations(25)
                        .build())
                .run()
                .getFirst();

        assertThat(r.detail()).isEqualTo(new CreateUnlinkDetail(UnlinkMethod.WALK_REMOVE));
        assertThat(server.removes.get()).isEqualTo(26);
        assertThat(server.names()).isEmpty();
    }

    @Test
    void aShortReadShowsInTheBytesOfItsPass() throws Exception {
        server.shortReadAtZero = true;
        LoadResult r = new LoadGenerator(config().workloads(Workload.READ)
                        .connections(1)
                        .operations(8) // 200000 bytes at 65512 a read: 4 reads a pass
                        .build())
                .run()
                .getFirst();

        assertThat(((ReadDetail) r.detail()).bytesPerPass()).containsExactly(199_999L, 199_999L);
        assertThat(r.bytes()).isEqualTo(2 * 199_999L);
    }

    @Test
    void readsTheWholeFileFromAWellBehavedServer() throws Exception {
        LoadResult r = new LoadGenerator(config().workloads(Workload.READ)
                        .connections(1)
                        .depth(4)
                        .operations(8)
                        .build())
                .run()
                .getFirst();

        assertThat(r.ioSize()).isEqualTo(65536 - 24);
        assertThat(((ReadDetail) r.detail()).bytesPerPass()).isEqualTo(Collections.nCopies(2, 200_000L));
        assertThat(server.names()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void keepsDepthOperationsOutstandingOnEveryConnection(int depth) throws Exception {
        server.holdUntil = depth;
        List<LoadResult> results = new LoadGenerator(config().workloads(Workload.GETATTR)
                        .connections(2)
                        .depth(depth)
                        .operations(depth * 10L)
                        .build())
                .run();

        assertThat(results.getFirst().operations()).isEqualTo(2 * depth * 10L);
        assertThat(server.mostGetattrsWaiting.get()).isEqualTo(depth);
    }
}

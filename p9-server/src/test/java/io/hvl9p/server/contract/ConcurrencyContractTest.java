package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many requests in flight on one connection, as the Linux client sends them (readahead, several
 * processes): answers stay right, and a fid clunked while other requests use it is released once,
 * when they are done (the leak check sees the rest).
 */
class ConcurrencyContractTest extends ContractTest {
    private static RMessage reply(CompletableFuture<Frame<RMessage>> f) {
        try {
            return f.get(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS).message();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private CompletableFuture<Frame<RMessage>> send(TMessage m) {
        try {
            return c.p9.send(m);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void twoHundredReadsInFlightOnOneFid() throws IOException {
        byte[] data = new byte[1 << 20];
        new Random(1).nextBytes(data);
        Files.write(host("f"), data);
        Fid f = c.open("f", OpenFlags.RDONLY);
        List<CompletableFuture<Frame<RMessage>>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(send(new TMessage.Tread(f, i * 5000L, 4096)));
        }
        for (int i = 0; i < 200; i++) {
            RMessage.Rread r = (RMessage.Rread) reply(futures.get(i));
            byte[] got = new byte[r.count()];
            r.data().duplicate().get(got);
            assertThat(got).as("read %d", i).isEqualTo(Arrays.copyOfRange(data, i * 5000, i * 5000 + 4096));
        }
    }

    @Test
    void twoHundredWritesInFlightAtDisjointOffsets() throws IOException {
        Fid f = c.create(c.root(), "w", OpenFlags.RDWR, 0600);
        byte[] expected = new byte[200 * 1000];
        new Random(2).nextBytes(expected);
        List<CompletableFuture<Frame<RMessage>>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(send(new TMessage.Twrite(
                    f, i * 1000L, ByteBuffer.wrap(Arrays.copyOfRange(expected, i * 1000, (i + 1) * 1000)))));
        }
        for (var fu : futures) {
            assertThat(((RMessage.Rwrite) reply(fu)).count()).isEqualTo(1000);
        }
        assertThat(Files.readAllBytes(host("w"))).isEqualTo(expected);
    }

    @Test
    void aClunkWhileOtherRequestsUseTheFidReleasesItOnce() throws IOException {
        Path p = Files.write(host("f"), new byte[256 * 1024]);
        long before = Host.fdsUnder(export);
        for (int round = 0; round < 50; round++) {
            Fid f = c.open("f", OpenFlags.RDWR);
            c.forget(f);
            List<CompletableFuture<Frame<RMessage>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(send(new TMessage.Tread(f, 0, 65536)));
            }
            CompletableFuture<Frame<RMessage>> clunk = send(new TMessage.Tclunk(f));
            for (int i = 0; i < 8; i++) {
                futures.add(send(new TMessage.Tgetattr(f, 0x7ff)));
            }
            assertThat(reply(clunk)).isInstanceOf(RMessage.Rclunk.class);
            for (var fu : futures) {
                RMessage r = reply(fu);
                if (r instanceof RMessage.Rlerror e) {
                    assertThat(Errno.name(e.ecode())).isEqualTo("EBADF");
                }
            }
            c.expectErrno(Errno.EBADF, new TMessage.Tclunk(f));
        }
        Poll.until("descriptors of the clunked fids closed", () -> Host.fdsUnder(export), n -> n == before);
        assertThat(p).exists();
    }

    @Test
    void severalThreadsWalkingAndClunking() throws Exception {
        for (int i = 0; i < 20; i++) {
            Files.createDirectories(host("d" + i + "/sub"));
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        TestClient d = fx.client();
        for (int t = 0; t < 6; t++) {
            TestClient cl = t % 2 == 0 ? c : d;
            int seed = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    Random r = new Random(seed);
                    for (int i = 0; i < 150; i++) {
                        Fid f = cl.walk("d" + r.nextInt(20) + "/sub/..");
                        Fid o = cl.walk(f, "sub");
                        cl.lopen(o, OpenFlags.RDONLY);
                        cl.readdirAll(o, 8192);
                        cl.getattr(f);
                        cl.clunk(f);
                        cl.clunk(o);
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
    }
}

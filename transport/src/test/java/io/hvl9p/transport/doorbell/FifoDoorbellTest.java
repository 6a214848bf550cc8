package io.hvl9p.transport.doorbell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.transport.sys.Native;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both sides of {@code fifo:PATH} in one JVM (hvl-transport.md sections 3a.11 and 5). */
class FifoDoorbellTest {
    @TempDir
    Path dir;

    private Path base;
    private long fdsBefore;

    @BeforeEach
    void setUp() throws IOException {
        base = dir.resolve("rt1");
        fdsBefore = Waits.openFds();
    }

    @AfterEach
    void noDescriptorLeaks() throws IOException {
        assertThat(Waits.openFds()).as("open descriptors after the test").isEqualTo(fdsBefore);
    }

    @Test
    void aKickEndsAwaitKick() throws IOException {
        try (FifoDoorbell back = FifoDoorbell.create(base);
                FifoDriverDoorbell front = FifoDriverDoorbell.open(base)) {
            assertThat(back.awaitKick(0)).as("nothing pending yet").isFalse();
            front.kick();
            assertThat(back.awaitKick(Waits.LONG)).isTrue();
        }
    }

    @Test
    void manyKicksCoalesceIntoOneAwaitKick() throws IOException {
        try (FifoDoorbell back = FifoDoorbell.create(base);
                FifoDriverDoorbell front = FifoDriverDoorbell.open(base)) {
            for (int i = 0; i < 10_000; i++) {
                front.kick();
            }
            assertThat(back.awaitKick(Waits.LONG)).isTrue();
            assertThat(back.awaitKick(0))
                    .as("every kick was consumed by the first await")
                    .isFalse();
        }
    }

    @Test
    void anInterruptEndsAwaitInterrupt() throws IOException {
        try (FifoDoorbell back = FifoDoorbell.create(base);
                FifoDriverDoorbell front = FifoDriverDoorbell.open(base)) {
            assertThat(front.awaitInterrupt(0)).isFalse();
            back.interrupt();
            back.interrupt();
            assertThat(front.awaitInterrupt(Waits.LONG)).isTrue();
            assertThat(front.awaitInterrupt(0))
                    .as("both interrupts consumed at once")
                    .isFalse();
        }
    }

    @Test
    void aTimeoutReturnsFalseAfterAboutTheTimeout() throws IOException {
        try (FifoDoorbell back = FifoDoorbell.create(base);
                FifoDriverDoorbell front = FifoDriverDoorbell.open(base)) {
            long timeout = TimeUnit.MILLISECONDS.toNanos(50);
            long start = System.nanoTime();
            assertThat(back.awaitKick(timeout)).isFalse();
            long elapsed = System.nanoTime() - start;
            start = System.nanoTime();
            assertThat(front.awaitInterrupt(timeout)).isFalse();
            long elapsedFront = System.nanoTime() - start;
            assertThat(Waits.millis(elapsed)).isBetween(45L, 5_000L);
            assertThat(Waits.millis(elapsedFront)).isBetween(45L, 5_000L);
        }
    }

    @Test
    void aWakeupFromAnotherThreadEndsAForeverWait() throws Exception {
        try (FifoDoorbell back = FifoDoorbell.create(base)) {
            CountDownLatch entering = new CountDownLatch(1);
            CompletableFuture<Boolean> waiter = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                entering.countDown();
                try {
                    waiter.complete(back.awaitKick(-1));
                } catch (Throwable e) {
                    waiter.completeExceptionally(e);
                }
            });
            entering.await();
            back.wakeup();
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
            t.join();
            assertThat(back.awaitKick(0)).as("the wakeup was consumed").isFalse();
        }
    }

    @Test
    void aWakeupBeforeAwaitKickMakesItReturnAtOnce() throws IOException {
        try (FifoDoorbell back = FifoDoorbell.create(base);
                FifoDriverDoorbell front = FifoDriverDoorbell.open(base)) {
            back.wakeup();
            assertThat(back.awaitKick(-1)).isTrue();
            front.wakeup();
            assertThat(front.awaitInterrupt(-1)).isTrue();
        }
    }

    @Test
    void closeDuringAForeverWaitEndsItAndLaterCallsFail() throws Exception {
        FifoDoorbell back = FifoDoorbell.create(base);
        CountDownLatch entering = new CountDownLatch(1);
        CompletableFuture<Boolean> waiter = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            entering.countDown();
            try {
                waiter.complete(back.awaitKick(-1));
            } catch (Throwable e) {
                waiter.completeExceptionally(e);
            }
        });
        entering.await();
        back.close();
        // Either the waiter was inside ppoll (woken: true) or it arrived after close (refused).
        try {
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessageContaining("closed");
        }
        assertThatThrownBy(() -> back.awaitKick(0))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(back::interrupt).isInstanceOf(IOException.class).hasMessageContaining("closed");
        back.wakeup(); // a no-op once closed, never a write into a reused descriptor
    }

    @Test
    void interruptsWithNoFrontEndAttachedNeverBlock() throws Exception {
        try (FifoDoorbell back = FifoDoorbell.create(base)) {
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 100_000; i++) { // far more than a 64 KiB pipe holds
                        back.interrupt();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            sender.get(30, TimeUnit.SECONDS);
            try (FifoDriverDoorbell front = FifoDriverDoorbell.open(base)) {
                assertThat(front.awaitInterrupt(0))
                        .as("the full pipe still holds interrupts")
                        .isTrue();
                assertThat(front.awaitInterrupt(0)).isFalse();
            }
        }
    }

    @Test
    void drainDiscardsStaleKicksAndInterrupts() throws IOException {
        try (FifoDoorbell back = FifoDoorbell.create(base);
                FifoDriverDoorbell front = FifoDriverDoorbell.open(base)) {
            for (int i = 0; i < 10; i++) {
                front.kick();
                back.interrupt();
            }
            back.drain();
            assertThat(back.awaitKick(0)).as("stale kicks").isFalse();
            assertThat(front.awaitInterrupt(0)).as("stale interrupts").isFalse();
            front.kick();
            assertThat(back.awaitKick(Waits.LONG))
                    .as("a new kick after the drain")
                    .isTrue();
        }
    }

    @Test
    void createMakesPrivateFifosAndCloseRemovesThem() throws IOException {
        FifoDoorbell back = FifoDoorbell.create(base);
        Path kick = dir.resolve("rt1.kick");
        Path irq = dir.resolve("rt1.irq");
        assertThat(back.kickPath()).isEqualTo(kick);
        assertThat(back.irqPath()).isEqualTo(irq);
        for (Path p : new Path[] {kick, irq}) {
            assertThat(Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .isOther())
                    .as(p + " is a FIFO")
                    .isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                    .isEqualTo("rw-------");
        }
        FifoDriverDoorbell front = FifoDriverDoorbell.open(base);
        front.close();
        front.close();
        assertThat(kick).as("the front-end leaves the FIFOs").exists();
        back.close();
        back.close();
        assertThat(kick).doesNotExist();
        assertThat(irq).doesNotExist();
        assertThat(back.describe()).isEqualTo("fifo:" + base);
    }

    @Test
    void aStaleFifoIsReplaced() throws IOException {
        Path kick = dir.resolve("rt1.kick");
        Native.mkfifo(kick.toString(), 0644);
        // Someone (a front-end of the previous back-end) still holds the stale pipe.
        int stale = Native.open(kick.toString(), Native.O_RDWR | Native.O_NONBLOCK);
        try (FifoDoorbell back = FifoDoorbell.create(base);
                FifoDriverDoorbell front = FifoDriverDoorbell.open(base)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kick)))
                    .isEqualTo("rw-------");
            assertThat(Native.write(stale, Bell.ONE_BYTE)).isEqualTo(1);
            assertThat(back.awaitKick(0))
                    .as("a kick into the stale pipe reaches nobody")
                    .isFalse();
            front.kick();
            assertThat(back.awaitKick(Waits.LONG)).isTrue();
        } finally {
            Native.close(stale);
        }
        assertThat(kick).doesNotExist();
    }

    @Test
    void aRegularFileInTheWayIsRefusedAndLeftAlone() throws IOException {
        Path irq = dir.resolve("rt1.irq");
        Files.writeString(irq, "not a pipe");
        assertThatThrownBy(() -> FifoDoorbell.create(base))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(irq.toString())
                .hasMessageContaining("regular file")
                .hasMessageContaining("refusing");
        assertThat(irq).hasContent("not a pipe");
        assertThat(dir.resolve("rt1.kick"))
                .as("the kick FIFO made before the refusal is removed")
                .doesNotExist();
    }

    @Test
    void aMissingDirectoryIsAnError() {
        Path missing = dir.resolve("no-such-dir");
        assertThatThrownBy(() -> FifoDoorbell.create(missing.resolve("rt1")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
        assertThat(missing).doesNotExist();
    }

    @Test
    void theFrontEndNeedsTheBackEndsFifos() throws IOException {
        assertThatThrownBy(() -> FifoDriverDoorbell.open(base))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("rt1.kick")
                .hasMessageContaining("start the back-end first");
        Files.writeString(dir.resolve("rt1.kick"), "");
        Native.mkfifo(dir.resolve("rt1.irq").toString(), 0600);
        assertThatThrownBy(() -> FifoDriverDoorbell.open(base))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("rt1.kick is a regular file, not a FIFO");
    }
}

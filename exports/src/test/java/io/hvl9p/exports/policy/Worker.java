package io.hvl9p.exports.policy;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The thread the backend runs on. LinuxBackend switches the file system ids of the thread that
 * calls it (and leaves them switched, as its session workers expect), so the test thread, which
 * checks the disk as root, never calls the backend itself.
 */
final class Worker implements AutoCloseable {
    private final ExecutorService ex = Executors.newSingleThreadExecutor(r -> new Thread(r, "backend-worker"));

    <T> T call(Callable<T> c) {
        try {
            return ex.submit(c).get();
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void run(Runnable r) {
        call(() -> {
            r.run();
            return null;
        });
    }

    @Override
    public void close() {
        ex.shutdownNow();
    }
}

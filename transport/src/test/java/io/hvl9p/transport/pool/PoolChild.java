package io.hvl9p.transport.pool;

import java.io.IOException;

/**
 * Run in a child JVM by {@link PoolShutdownTest}: creates the shm pool named by {@code args[0]},
 * prints {@code ready} and either exits at once without closing it ({@code args[1] = exit}) or waits
 * to be signalled ({@code wait}).
 */
public final class PoolChild {
    private PoolChild() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Pool pool = Pool.shm(args[0], 4096, 0x3700_0000L);
        pool.memory().writeU32(0x3700_0000L, 1);
        System.out.println("ready");
        System.out.flush();
        if (args[1].equals("exit")) {
            System.exit(0);
        }
        Thread.sleep(60_000);
        System.exit(3);
    }
}

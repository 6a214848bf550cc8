package io.hvl9p.transport.doorbell;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM by {@link FifoTwoProcessTest}: the front-end. Opens {@code fifo:args[0]},
 * prints {@code ready}, kicks, waits for the interrupt and prints {@code interrupted} (exit 0), or
 * exits 2 if none arrives in 30 s.
 */
public final class DoorbellChild {
    private DoorbellChild() {}

    public static void main(String[] args) throws IOException {
        try (FifoDriverDoorbell front = FifoDriverDoorbell.open(Path.of(args[0]))) {
            System.out.println("ready");
            System.out.flush();
            front.kick();
            if (!front.awaitInterrupt(TimeUnit.SECONDS.toNanos(30))) {
                System.exit(2);
            }
            System.out.println("interrupted");
            System.out.flush();
        }
    }
}

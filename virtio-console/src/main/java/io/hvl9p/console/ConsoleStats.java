package io.hvl9p.console;

/**
 * Counters of one {@link ConsoleDevice} since it was created (all generations).
 *
 * @param txChains transmit chains completed
 * @param txBytes bytes the runtime sent (after the per-chain cap)
 * @param linesEmitted lines handed to the sink thread
 * @param linesDropped lines dropped because the sink thread was behind
 * @param inputBytes input bytes accepted into the buffer
 * @param inputDropped input bytes refused because the buffer was full
 * @param deliveredBytes input bytes written into the runtime's receive buffers
 * @param rxChains receive chains completed
 */
public record ConsoleStats(
        long txChains,
        long txBytes,
        long linesEmitted,
        long linesDropped,
        long inputBytes,
        long inputDropped,
        long deliveredBytes,
        long rxChains) {}

/**
 * The virtio-console device of one runtime and its sinks and sources (hvl-transport.md section 6).
 *
 * <p>{@link io.hvl9p.console.ConsoleDevice} is a {@link io.hvl9p.transport.mmio.VirtioDevice}: the
 * runtime's transmit queue becomes lines ({@link io.hvl9p.console.LineAssembler}) for a {@link
 * io.hvl9p.console.ConsoleSink} ({@link io.hvl9p.console.StdoutSink}, {@link
 * io.hvl9p.console.LogFileSink}, {@link io.hvl9p.console.SocketConsole}, several at once through
 * {@link io.hvl9p.console.FanOutSink}); bytes given to {@link io.hvl9p.console.ConsoleDevice#input}
 * (by an {@link io.hvl9p.console.InputSource} or a {@code SocketConsole}) reach the runtime's
 * receive queue.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>A transmit chain is completed in the pass that pops it, before its bytes are looked at
 *       further: the OpenAMP front-end spins on a full 4-entry ring (section 3a.7).
 *   <li>Sinks never run on the pool's controller thread: each device has one sink thread behind a
 *       bounded queue; when the queue is full, lines are dropped and counted, never waited for.
 *   <li>What reaches a sink is text without control characters other than tab (made visible in
 *       {@code cat -v} notation) and with malformed UTF-8 replaced by U+FFFD: a runtime cannot
 *       send escape sequences to the admin's terminal.
 *   <li>Memory is bounded whatever the runtime does: 64 KiB per transmit chain, one line buffer,
 *       the input buffer, the sink queue, at most queue-size kept receive chains.
 *   <li>A kept receive chain is either completed with input or dropped when its generation ends;
 *       nothing touches a retired generation's rings.
 * </ul>
 */
package io.hvl9p.console;

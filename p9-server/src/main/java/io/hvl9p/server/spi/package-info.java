/**
 * The backend SPI: what a served file system must provide, independent of transports and of the
 * wire format.
 *
 * <p>A {@link io.hvl9p.server.spi.Node} is a path handle (like an {@code O_PATH} descriptor: it
 * names one file and survives renames of it and of its parents); an {@link
 * io.hvl9p.server.spi.OpenFile} is an opened file. They are separate, as in gVisor's lisafs and
 * crosvm's p9, so that walking never opens a file and opening never resolves a path. Policies and
 * caches are decorators implementing the same interfaces.
 *
 * <p>Concurrency: every method may be called from several threads at once, also on the same node;
 * implementations are thread-safe. A node or open file is never used after {@code close()}.
 *
 * <p>Errors: every method reports a refusal as a {@link io.hvl9p.server.spi.BackendException}
 * carrying a Linux errno number; anything else thrown is a bug and becomes EIO plus a log line.
 */
package io.hvl9p.server.spi;

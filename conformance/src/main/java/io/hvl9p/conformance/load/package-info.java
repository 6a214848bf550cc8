/**
 * The load generator: measures any 9P2000.L server over TCP or a Unix socket with the project's
 * own client ({@link io.hvl9p.protocol.client.P9Client}); needs nothing of this project but
 * {@code p9-protocol}. {@link io.hvl9p.conformance.load.LoadGenerator} runs a
 * {@link io.hvl9p.conformance.load.LoadConfig} and returns
 * {@link io.hvl9p.conformance.load.LoadResult}s; {@link io.hvl9p.conformance.load.LoadMain} is the
 * command line behind {@code hvl9p load}; {@code bin/bench-vs-diod} compares hvl9p with diod.
 *
 * <p>Invariants: each connection runs on its own thread and all workload state of a connection is
 * touched on that thread only ({@link io.hvl9p.conformance.load.Pipeline} hands replies back to
 * it); only operations started after the warm-up are counted; a workload never reads past the end
 * of its file, so any short read or write shows in the byte counts; files are created under a
 * random prefix in the attach directory and removed afterwards unless asked to keep them.
 */
package io.hvl9p.conformance.load;

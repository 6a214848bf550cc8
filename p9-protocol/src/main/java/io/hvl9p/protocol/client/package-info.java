/**
 * A 9P2000.L client over a {@link io.hvl9p.protocol.client.FrameChannel}: version negotiation,
 * many outstanding requests with tag allocation, Tflush, timeouts, typed results, and Linux
 * errno exceptions. Used by the tests, the conformance suite, the load generator and the demo.
 *
 * <p>Thread safety: {@link io.hvl9p.protocol.client.P9Client} may be called from any number of
 * threads at once; replies are matched to requests by tag on one reader thread.
 */
package io.hvl9p.protocol.client;

/**
 * 9P2000.L messages and their codec.
 *
 * <p>Invariants: every message is an immutable record named as in the Linux header
 * {@code include/net/9p/9p.h} ({@code Twalk}, {@code Rlopen}, ...); names are bytes validated at
 * construction; the decoder never allocates more than the bytes it was given and reports every
 * malformed input as a {@link io.hvl9p.protocol.MalformedMessageException}; all integers are
 * little-endian.
 */
package io.hvl9p.protocol;

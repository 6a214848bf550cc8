/**
 * Guest memory: the shared pool seen at its physical base, with bounds-checked translation and
 * little-endian plain and acquire/release accessors (hvl-transport.md sections 1 and 4.1).
 *
 * <p>Implemented: {@link io.hvl9p.transport.memory.GuestMemory} over any native
 * {@link java.lang.foreign.MemorySegment}; mapping pools from {@code /dev/shm} files and UIO devices is
 * {@link io.hvl9p.transport.pool}.
 *
 * <p>Invariant: no method ever touches memory outside the pool; every out-of-range address is a
 * {@link io.hvl9p.transport.memory.GuestMemoryException}.
 */
package io.hvl9p.transport.memory;

/**
 * Pools: mapping the shared memory of hvl-transport.md section 1 into this process.
 *
 * <p>Implemented: {@link io.hvl9p.transport.pool.Pool}, backed by {@code /dev/shm/NAME} (created,
 * sized, mapped with {@code FileChannel.map}, deleted on close and by a shutdown hook; or attached to
 * from another process), by a UIO device map, or by any file, the last two through an FFM {@code
 * mmap} downcall (the transport's FFM layer {@code io.hvl9p.transport.sys.Native}, errno captured). Each pool hands out a {@link
 * io.hvl9p.transport.memory.GuestMemory} at its physical base.
 *
 * <p>UIO is not tested here: the machine has no UIO device; {@code Pool.mapFile} exercises the same
 * FFM {@code mmap} path.
 */
package io.hvl9p.transport.pool;

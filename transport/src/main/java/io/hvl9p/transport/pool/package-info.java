/**
 * Pools: mapping the shared memory of hvl-transport.md section 1 into this process.
 *
 * <p>Implemented: {@link io.hvl9p.transport.pool.Pool}, backed by {@code /dev/shm/NAME} (created,
 * sized, mapped with {@code FileChannel.map}, deleted on close and by a shutdown hook; or attached to
 * from another process), by a UIO device map, or by any file, the last two through an FFM {@code
 * mmap} downcall (package-private {@code Mmap}, errno captured). Each pool hands out a {@link
 * io.hvl9p.transport.memory.GuestMemory} at its physical base.
 *
 * <p>Not implemented yet (rest of issue 4): the pool layouts ({@code dtb}/{@code packed}), the FDT
 * writer, the register protocol, doorbells and the devices.
 */
package io.hvl9p.transport.pool;

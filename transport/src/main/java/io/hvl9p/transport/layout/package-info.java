/**
 * Pool layouts (hvl-transport.md section 2): where the FDT, register headers, config spaces and
 * device memory of each device sit in a pool.
 *
 * <p>Implemented: {@link io.hvl9p.transport.layout.PoolLayout} for the {@code dtb} and {@code packed}
 * layouts, computed from trusted configuration and failing fast on pools that are misaligned,
 * overflowing or too small; the {@code dtb} layout's FDT through {@link io.hvl9p.transport.fdt}. Not
 * implemented (rest of issue 4): mapping the pool, writing the FDT and register headers into it, the
 * register protocol, doorbells, and deriving the 9p msize from a block size.
 *
 * <p>Invariant: the config space is at header + 0x100 in both layouts.
 */
package io.hvl9p.transport.layout;

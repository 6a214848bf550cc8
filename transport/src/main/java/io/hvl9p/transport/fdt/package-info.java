/**
 * A writer for flattened device tree blobs (Devicetree Specification v0.4, chapter 5, version 17),
 * used by the {@code dtb} pool layout (hvl-transport.md section 2).
 *
 * <p>Implemented: {@link io.hvl9p.transport.fdt.FdtWriter}, with u32 cells, u64 values as cell
 * pairs, strings, string lists and empty properties; node and property names are validated (charset,
 * length, duplicates) when given. The blob always has an empty memory reservation map. Not
 * implemented (rest of issue 4): reading or patching an existing blob, phandles, and writing the blob
 * into a mapped pool.
 *
 * <p>Invariant: every blob {@code toBytes()} returns decompiles with {@code dtc -I dtb -O dts}.
 */
package io.hvl9p.transport.fdt;

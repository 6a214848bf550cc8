/**
 * The virtio-9p device: a chain in, a session call, a chain out ({@link
 * io.hvl9p.virtio9p.Virtio9pDevice}).
 *
 * <p>Invariants: a request is copied out of shared memory once before it is decoded; every popped
 * chain is returned exactly once (with the reply, or with length 0 when no reply comes); a
 * generation's late replies never touch the rings of a later generation.
 */
package io.hvl9p.virtio9p;

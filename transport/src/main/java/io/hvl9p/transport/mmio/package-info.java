/**
 * The back-end of the hypervisor-less register protocol (hvl-transport.md sections 3 and 4):
 * {@link io.hvl9p.transport.mmio.PoolController} runs one pool on one thread, evaluating every
 * device's register block against its private copy on every kick; devices plug in through {@link
 * io.hvl9p.transport.mmio.VirtioDevice}.
 *
 * <p>Invariants: every shared word is read with acquire and written with release semantics; a
 * driver's mistake puts only its device into DEVICE_NEEDS_RESET; completions of a finished driver
 * generation never touch memory; there is no sleep on the notification path.
 */
package io.hvl9p.transport.mmio;

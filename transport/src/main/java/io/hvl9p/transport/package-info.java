/**
 * The hypervisor-less virtio-mmio shared-memory transport; no 9P knowledge. Not implemented yet (issue 4).
 */
package io.hvl9p.transport;

/**
 * The virtio-9p device: a chain in, a session call, a chain out. Not implemented yet (issue 4).
 */
package io.hvl9p.virtio9p;

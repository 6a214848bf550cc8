/**
 * The runtime's side of virtio-9p for the host simulation: a 9P {@code FrameChannel} over the
 * driver-side implementation of the transport ({@code io.hvl9p.transport.driver}).
 */
package io.hvl9p.virtio9p.client;

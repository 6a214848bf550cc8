package io.hvl9p.transport.driver;

/**
 * One completed chain read from the used ring (virtio 1.2 section 2.7.8) and checked against what
 * the driver submitted.
 *
 * @param head the chain's head descriptor index (the used element's {@code id})
 * @param token what the submitter passed with the chain
 * @param len bytes the device says it wrote, at most the chain's writable capacity
 */
public record Used(int head, Object token, int len) {}

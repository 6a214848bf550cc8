/**
 * Export policies: which runtime sees which directory, how and as whom (issue 5).
 *
 * <p>{@link io.hvl9p.exports.policy.ExportPolicy} is what an admin decided for one export; {@link
 * io.hvl9p.exports.policy.PolicyBackend#wrap} enforces it as a decorator on the backend SPI, so the
 * same rules hold on every transport. This module depends on p9-server's SPI only.
 */
package io.hvl9p.exports;

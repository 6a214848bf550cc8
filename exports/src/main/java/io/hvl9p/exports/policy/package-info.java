/**
 * One export's policy and its enforcement on the backend SPI.
 *
 * <ul>
 *   <li>{@link io.hvl9p.exports.policy.ExportPolicy}: the policy record (read-only, squash and
 *       anonymous ids, uid/gid maps, deny globs, device nodes, msize cap), built from trusted
 *       configuration.
 *   <li>{@link io.hvl9p.exports.policy.PolicyBackend}: a {@link io.hvl9p.server.spi.Backend}
 *       decorator that enforces it. Read-only exports fail every mutating request with EROFS
 *       before the inner backend is asked; device nodes need the policy's permission (EPERM);
 *       denied paths are invisible and cannot be made (ENOENT throughout, see the class for why);
 *       the identity the server acts as is mapped and squashed, and owners are mapped back.
 *   <li>{@link io.hvl9p.exports.policy.DenyGlobs}: the deny pattern language ({@code *} and {@code
 *       ?} within a name, {@code **} across names, anchored at the export root).
 * </ul>
 *
 * <p>Txattrcreate reaches the backend only at Tclunk (as {@code setxattr}), so on a read-only
 * export it is the Tclunk that fails with EROFS, as with the Linux backend's own read-only mode.
 */
package io.hvl9p.exports.policy;

/**
 * The escape suite: attacks a client (attached as root, the dangerous case, unless a test says
 * otherwise) makes on the export boundary of a running server: symlinks and {@code ..} out of the
 * export, a directory swapped for a symlink mid-request, names with '/' or NUL, links and renames
 * across exports, host paths as anames, fids on directories the host moved out, device nodes and
 * FIFOs, and identity (permissions, groups, privileged xattr namespaces).
 *
 * <p>Invariant checked after every test by {@link io.hvl9p.server.escape.Sandbox}: nothing in the
 * sandbox outside the two exports was created, changed, linked or removed, and no descriptor into
 * the sandbox is left open. Each attack names the errno it expects and why.
 */
package io.hvl9p.server.escape;

package io.hvl9p.exports.policy;

import io.hvl9p.server.spi.Backend;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Node;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An export policy enforced on the backend SPI, so that the same rules hold on every transport:
 * a decorator around the backend that serves the export's directory.
 *
 * <ul>
 *   <li>Read-only: every mutating operation (open for writing, with O_TRUNC or O_CREAT; create,
 *       mkdir, symlink, mknod, link, renameat, rename, unlinkat, remove, setattr, setxattr; write
 *       on an open file) fails with EROFS before the inner backend is asked.
 *   <li>Device nodes: mknod of a character or block device fails with EPERM unless the policy
 *       allows them.
 *   <li>Deny globs ({@link DenyGlobs}): a denied path is invisible. Walking to it and naming it in
 *       unlinkat or as renameat's source fail with ENOENT, readdir leaves it out, and creating,
 *       renaming or linking to it fail with ENOENT too: the client sees a directory that has no
 *       such entry and cannot get one. (EACCES would be the conventional refusal for a create, but
 *       it would tell the client that this name, unlike its neighbours, is special; ENOENT keeps
 *       denied names indistinguishable from names the server does not know.)
 *   <li>Identities: {@link #attach} acts as the client's identity mapped by the uid/gid maps and
 *       then squashed; chown ids in setattr and the group of new files are mapped the same way;
 *       the owner getattr reports is mapped back through the maps (squashed owners are reported
 *       as the host ids they are).
 * </ul>
 *
 * <p>Paths for the deny check are tracked per node from the walks that made it ({@code ..} pops a
 * name, and stays at the root). After a rename of a directory through the export a node locates itself again
 * before its next deny check, so a directory renamed through another fid (as the Linux client
 * does) is judged by where it is now. Renames made on the host are not seen until a client
 * renames something; a node the host moved beneath a denied path keeps its old path until then.
 * Clients cannot rename anything onto or out of a denied name.
 */
public final class PolicyBackend implements Backend {
    final Backend inner;
    final ExportPolicy policy;
    final DenyGlobs deny;
    final IdMap ids;
    /** Renames made through this export so far: a node's path older than this is located again. */
    final AtomicLong renames = new AtomicLong();

    private volatile boolean revoked;

    private PolicyBackend(Backend inner, ExportPolicy policy) {
        this.inner = inner;
        this.policy = policy;
        this.deny = DenyGlobs.of(policy.deny());
        this.ids = new IdMap(policy);
    }

    /**
     * Revokes the export (it disappeared from the configuration): every later request on a node
     * or open file of this export, and every attach, fails with ESTALE.
     */
    public void revoke() {
        revoked = true;
    }

    /** Whether {@link #revoke} was called. */
    public boolean isRevoked() {
        return revoked;
    }

    void live() {
        if (revoked) {
            throw new io.hvl9p.server.spi.BackendException(
                    io.hvl9p.protocol.Errno.ESTALE, policy.name() + ": export revoked");
        }
    }

    /**
     * {@code inner} with {@code policy} enforced on it.
     *
     * @throws IllegalArgumentException when a deny pattern is malformed
     */
    public static Backend wrap(Backend inner, ExportPolicy policy) {
        return new PolicyBackend(Objects.requireNonNull(inner, "inner"), Objects.requireNonNull(policy, "policy"));
    }

    /** The export's policy. */
    public ExportPolicy policy() {
        return policy;
    }

    /** The identity the server acts as for a client attaching as {@code who}: maps first, then squash. */
    public Identity hostIdentity(Identity who) {
        return ids.host(who);
    }

    @Override
    public Node attach(Identity who) {
        live();
        return new PolicyNode(this, inner.attach(ids.host(who)), new PolicyNode.Where(List.of(), renames.get()));
    }

    @Override
    public boolean readOnly() {
        return policy.readOnly() || inner.readOnly();
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder(inner.describe());
        if (policy.readOnly() && !inner.readOnly()) {
            sb.append(" (read-only)");
        }
        if (policy.squash() != ExportPolicy.Squash.NONE) {
            sb.append(" squash=")
                    .append(policy.squash().name().toLowerCase(java.util.Locale.ROOT))
                    .append(" anon=")
                    .append(Integer.toUnsignedString(policy.anonUid()))
                    .append(':')
                    .append(Integer.toUnsignedString(policy.anonGid()));
        }
        if (!policy.uidMap().isEmpty() || !policy.gidMap().isEmpty()) {
            sb.append(" uidmap=").append(policy.uidMap()).append(" gidmap=").append(policy.gidMap());
        }
        if (!deny.isEmpty()) {
            sb.append(' ').append(deny);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        inner.close();
    }
}

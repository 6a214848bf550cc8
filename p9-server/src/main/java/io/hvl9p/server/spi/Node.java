package io.hvl9p.server.spi;

import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;

/**
 * A path handle: names one file of one backend, like an {@code O_PATH} descriptor. It keeps naming
 * the same file when the file or a parent is renamed. Operations act as the identity given at
 * {@link Backend#attach}. A name argument is one component (never empty, never containing '/');
 * {@code "."} and {@code ".."} are refused where they make no sense, as the wire notes say.
 */
public interface Node extends AutoCloseable {
    /** The qid, fixed when the handle was made. */
    Qid qid();

    /** One walk step; {@code ".."} at the root stays at the root; a symlink is returned, never followed. */
    Node walk(P9Name name);

    /** A second handle on the same file (a Twalk clone), independent of this one's lifetime. */
    Node duplicate();

    /** Whether {@code other} belongs to the same backend (same export) as this node. */
    boolean sameBackend(Node other);

    Attr getattr(long requestMask);

    void setattr(SetAttr attr);

    /** Opens this file; {@code flags} are the protocol's {@code P9_DOTL_*} flags (decoded here, never passed through). */
    OpenFile open(int flags);

    /** Creates and opens {@code name} in this directory; the node in the result replaces this one on the fid. */
    Created create(P9Name name, int flags, int mode, int gid);

    Qid mkdir(P9Name name, int mode, int gid);

    Qid symlink(P9Name name, P9String target, int gid);

    Qid mknod(P9Name name, int mode, int major, int minor, int gid);

    /** Makes {@code name} in this directory a hard link to {@code target}. */
    void link(P9Name name, Node target);

    /** Renames {@code oldName} in this directory to {@code newName} in {@code newDir}. */
    void renameat(P9Name oldName, Node newDir, P9Name newName);

    /** Removes {@code name} from this directory; {@code flags} is 0 or AT_REMOVEDIR. */
    void unlinkat(P9Name name, int flags);

    /** Trename: renames this file to {@code newName} in {@code newDir}. */
    void rename(Node newDir, P9Name newName);

    /** Tremove: removes this file from its directory. */
    void remove();

    P9String readlink();

    FsStat statfs();

    /** The names of the extended attributes, each followed by a NUL, as listxattr(2) returns them. */
    byte[] listxattr();

    byte[] getxattr(P9String name);

    /** Sets ({@code value} non-null) or removes ({@code value} null) an attribute; flags XATTR_CREATE / XATTR_REPLACE. */
    void setxattr(P9String name, byte[] value, int flags);

    /** Releases the handle. */
    @Override
    void close();

    /** A created file: its handle and its open file. */
    record Created(Node node, OpenFile file) {}
}

package io.hvl9p.server.linux;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.P9String;
import io.hvl9p.server.linux.sys.Sys;
import io.hvl9p.server.linux.sys.SysException;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.Identity;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Extended attributes of a {@link LinuxNode}, through {@code /proc/self/fd/N} with the following
 * calls (the l-variants would act on the magic link itself; an {@code O_PATH} descriptor has no
 * f-variants). Following the magic link of a symlink's descriptor lands on the symlink, never its
 * target.
 *
 * <p>trusted.* is guarded by CAP_SYS_ADMIN, which switching the fsuid does not drop: for any
 * user but root the server hides it as Linux does from an unprivileged process (left out of
 * listings, ENODATA to read, xattr(7)), and only root may write names outside user. and the
 * POSIX ACLs.
 */
final class LinuxXattrs {
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] TRUSTED = "trusted.".getBytes(StandardCharsets.US_ASCII);

    private LinuxXattrs() {}

    static byte[] list(LinuxNode n) {
        ThreadCreds.enter(n.who);
        byte[] proc = Sys.procFdPath(n.fd);
        byte[] out = sized(b -> Sys.listxattr(proc, b));
        return n.who.uid() == 0 ? out : withoutTrusted(out);
    }

    static byte[] get(LinuxNode n, P9String attr) {
        byte[] a = attr.bytes();
        if (n.who.uid() != 0 && isTrusted(a, 0, a.length)) {
            throw new BackendException(Errno.ENODATA, "trusted.* is root's");
        }
        ThreadCreds.enter(n.who);
        byte[] proc = Sys.procFdPath(n.fd);
        return sized(b -> Sys.getxattr(proc, a, b));
    }

    /** EPERM unless root, or a user.* or POSIX ACL name. */
    static void checkNamespace(Identity who, P9String attr) {
        String n = attr.asString();
        if (who.uid() != 0
                && !n.startsWith("user.")
                && !n.equals("system.posix_acl_access")
                && !n.equals("system.posix_acl_default")) {
            throw new BackendException(Errno.EPERM, "xattr namespace of " + attr);
        }
    }

    /** Sets, or removes for a null value; the caller checked writability, namespace and place. */
    static void set(LinuxNode n, P9String attr, byte[] value, int flags) {
        byte[] proc = Sys.procFdPath(n.fd);
        if (value == null) {
            Sys.removexattr(proc, attr.bytes());
        } else {
            Sys.setxattr(proc, attr.bytes(), ByteBuffer.wrap(value), flags);
        }
    }

    /** The size-then-fetch loop of listxattr(2)/getxattr(2); retried when the value grew in between (ERANGE). */
    @FunctionalInterface
    private interface SizedCall {
        int call(ByteBuffer into);
    }

    private static byte[] sized(SizedCall c) {
        for (int attempt = 0; ; attempt++) {
            int size = c.call(null);
            if (size == 0) {
                return EMPTY;
            }
            ByteBuffer b = ByteBuffer.allocate(size);
            try {
                int got = c.call(b);
                byte[] out = new byte[got];
                b.flip().get(out);
                return out;
            } catch (SysException e) {
                if (e.errno() != Errno.ERANGE || attempt > 3) {
                    throw e;
                }
            }
        }
    }

    private static boolean isTrusted(byte[] name, int from, int to) {
        return to - from >= TRUSTED.length
                && Arrays.equals(name, from, from + TRUSTED.length, TRUSTED, 0, TRUSTED.length);
    }

    /** A NUL-separated list of names without the trusted.* ones. */
    private static byte[] withoutTrusted(byte[] list) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(list.length);
        int start = 0;
        for (int i = 0; i < list.length; i++) {
            if (list[i] == 0) {
                if (!isTrusted(list, start, i)) {
                    kept.write(list, start, i + 1 - start);
                }
                start = i + 1;
            }
        }
        return kept.toByteArray();
    }
}

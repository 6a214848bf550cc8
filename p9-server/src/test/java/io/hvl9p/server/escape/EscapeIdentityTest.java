package io.hvl9p.server.escape;

import static io.hvl9p.server.escape.Client.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.SetattrValid;
import io.hvl9p.server.linux.sys.LinuxConstants;
import io.hvl9p.server.linux.sys.Sys;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who a request acts as. The server runs as root and switches each worker's fsuid, fsgid and
 * groups to the attaching user; that drops the file-system capabilities (CAP_DAC_OVERRIDE,
 * CAP_CHOWN, CAP_FOWNER, ...), so the kernel checks permissions as for that user. It does not
 * drop CAP_SYS_ADMIN, which guards the trusted.* xattr namespace: the server itself must keep
 * an unprivileged user out of it (Linux gives such a user EPERM on writes and ENODATA on reads,
 * and leaves trusted.* names out of listings) and out of security.*.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EscapeIdentityTest extends Sandbox {
    private Path secret;
    private Path home;
    private Path mine;

    @Override
    void populate() throws Exception {
        secret = Files.writeString(export.resolve("secret"), "root only\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        home = Files.createDirectory(export.resolve("home"));
        chown(home, USER, USER);
        mine = Files.writeString(home.resolve("mine"), "mine\n");
        chown(mine, USER, USER);
        Sys.setxattr(b(mine), b("trusted.secret"), ByteBuffer.wrap(b("admin only")), 0);
        Sys.setxattr(b(secret), b("trusted.secret"), ByteBuffer.wrap(b("admin only")), 0);
    }

    @Test
    void unprivilegedUserCannotReadARootOwned0600File() throws Exception {
        Client c = connect();
        Fid root = c.attach("a", USER);
        Fid s = c.walk(root, "secret");
        assertErrno(
                Errno.EACCES, "mode 0600 root:root, read by uid 1000 (open(2))", () -> c.lopen(s, OpenFlags.RDONLY));
        Fid w = c.walk(root, "secret");
        assertErrno(Errno.EACCES, "the same for writing", () -> c.lopen(w, OpenFlags.WRONLY | OpenFlags.TRUNC));
        assertErrno(
                Errno.EPERM,
                "only the owner may chmod (chmod(2))",
                () -> c.setattr(c.walk(root, "secret"), SetattrValid.MODE, 0644, 0, 0, 0));
        assertThat(secret).hasContent("root only");
        // The control: root reads it, so the refusal above was the identity's.
        Client r = connect();
        Fid asRoot = r.walk(r.attach("a", ROOT), "secret");
        r.lopen(asRoot, OpenFlags.RDONLY);
        assertThat(r.read(asRoot, 0, 100)).isEqualTo("root only\n");
    }

    @Test
    void unprivilegedUserCannotCreateInARootOwnedDirectory() throws Exception {
        Client c = connect();
        Fid root = c.attach("a", USER);
        assertErrno(
                Errno.EACCES,
                "export/ is 0755 root:root (open(2) with O_CREAT)",
                () -> c.lcreate(c.clone(root), "planted", OpenFlags.RDWR, 0644, 0));
        assertErrno(Errno.EACCES, "the same for mkdir(2)", () -> c.mkdir(root, "planted", 0755, 0));
        assertAbsent(export.resolve("planted"));
    }

    @Test
    void fileCreatedByUnprivilegedUserIsOwnedByThatUser() throws Exception {
        Client c = connect();
        Fid h = c.walk(c.attach("a", USER), "home");
        Fid f = c.clone(h);
        c.lcreate(f, "created", OpenFlags.RDWR, 0644, USER);
        c.write(f, 0, "by 1000\n");
        assertThat(stat(home.resolve("created")).get("uid")).isEqualTo(USER);
        assertThat(stat(home.resolve("created")).get("gid")).isEqualTo(USER);
        c.mkdir(h, "dir", 0755, USER);
        assertThat(stat(home.resolve("dir")).get("uid")).isEqualTo(USER);
    }

    @Test
    void lcreateWithAGroupTheUserIsNotInGetsTheUsersOwnGroup() throws Exception {
        Client c = connect();
        Fid h = c.walk(c.attach("a", USER), "home");
        String why = "gid 0 asked by uid 1000, who is not in group 0: the file gets 1000's gid";
        c.lcreate(c.clone(h), "f", OpenFlags.RDWR, 0644, 0);
        assertThat(stat(home.resolve("f")).get("gid")).as(why).isEqualTo(USER);
        c.mkdir(h, "d", 0755, 0);
        assertThat(stat(home.resolve("d")).get("gid")).as(why).isEqualTo(USER);
        c.symlink(h, "l", "f", 0);
        assertThat(stat(home.resolve("l")).get("gid")).as(why).isEqualTo(USER);
        c.mknod(h, "p", LinuxConstants.S_IFIFO | 0644, 0, 0, 0);
        assertThat(stat(home.resolve("p")).get("gid")).as(why).isEqualTo(USER);
        assertErrno(
                Errno.EPERM,
                "chgrp to a group one is not in (chown(2))",
                () -> c.setattr(c.walk(h, "f"), SetattrValid.GID, 0, 0, 0, 0));
        assertErrno(
                Errno.EPERM,
                "chown to another user (chown(2))",
                () -> c.setattr(c.walk(h, "f"), SetattrValid.UID, 0, 0, 0, 0));
        assertThat(stat(home.resolve("f")).get("uid")).isEqualTo(USER);
        // The control: root may give any group.
        Client r = connect();
        Fid rh = r.walk(r.attach("a", ROOT), "home");
        r.lcreate(r.clone(rh), "by-root", OpenFlags.RDWR, 0644, USER);
        assertThat(stat(home.resolve("by-root")).get("gid")).isEqualTo(USER);
        r.lcreate(r.clone(rh), "by-root-0", OpenFlags.RDWR, 0644, 0);
        assertThat(stat(home.resolve("by-root-0")).get("gid")).isEqualTo(ROOT);
    }

    @Test
    void unprivilegedUserCannotSetTrustedOrSecurityXattrs() throws Exception {
        Client c = connect();
        Fid m = c.walk(c.attach("a", USER), "home", "mine");
        String why = "trusted.* and security.* need CAP_SYS_ADMIN, which uid 1000 lacks (xattr(7))";
        assertErrno(Errno.EPERM, why, () -> c.setxattr(m, "trusted.planted", "x"));
        assertErrno(Errno.EPERM, why, () -> c.setxattr(m, "security.planted", "x"));
        assertErrno(Errno.EPERM, why + ", also to remove one", () -> c.setxattr(m, "trusted.secret", ""));
        assertThat(lgetxattr(mine, "trusted.planted")).isNull();
        assertThat(lgetxattr(mine, "security.planted")).isNull();
        assertThat(lgetxattr(mine, "trusted.secret")).asString().isEqualTo("admin only");
        // The control: user.* on one's own file is allowed.
        c.setxattr(m, "user.fine", "ok");
        assertThat(lgetxattr(mine, "user.fine")).asString().isEqualTo("ok");
    }

    @Test
    void rootMaySetTrustedAndSecurityXattrs() throws Exception {
        Client c = connect();
        Fid m = c.walk(c.attach("a", ROOT), "home", "mine");
        c.setxattr(m, "trusted.by-root", "yes");
        c.setxattr(m, "security.by-root", "yes");
        assertThat(lgetxattr(mine, "trusted.by-root")).asString().isEqualTo("yes");
        assertThat(lgetxattr(mine, "security.by-root")).asString().isEqualTo("yes");
        assertThat(new String(c.getxattr(m, "trusted.secret"), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("admin only");
    }

    @Test
    void unprivilegedUserCannotReadTrustedXattrs() throws Exception {
        Client c = connect();
        Fid root = c.attach("a", USER);
        String why = "trusted.* is invisible without CAP_SYS_ADMIN: getxattr(2) is ENODATA (xattr(7))";
        assertErrno(Errno.ENODATA, why, () -> c.getxattr(c.walk(root, "home", "mine"), "trusted.secret"));
        assertErrno(
                Errno.ENODATA,
                why + ", on root's file too",
                () -> c.getxattr(c.walk(root, "secret"), "trusted.secret"));
        assertThat(c.listxattr(c.walk(root, "home", "mine")))
                .as("listxattr(2) leaves trusted.* out without CAP_SYS_ADMIN")
                .noneMatch(n -> n.startsWith("trusted."));
    }
}

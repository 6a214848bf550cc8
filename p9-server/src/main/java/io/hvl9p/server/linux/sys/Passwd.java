package io.hvl9p.server.linux.sys;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A user from the user database ({@code getpwnam_r}/{@code getpwuid_r}, so NSS sources such as LDAP
 * count too): the fields 9P's {@code Tattach} needs to switch to the user. The name is bytes, as
 * user names are on Linux; {@code equals} and {@code hashCode} compare its contents.
 */
public record Passwd(byte[] name, int uid, int gid) {
    public Passwd {
        name = Arrays.copyOf(name, name.length);
    }

    @Override
    public byte[] name() {
        return Arrays.copyOf(name, name.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Passwd p && uid == p.uid && gid == p.gid && Arrays.equals(name, p.name);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(name) * 31 + uid) * 31 + gid;
    }

    @Override
    public String toString() {
        return "Passwd[name=" + new String(name, StandardCharsets.UTF_8) + ", uid=" + Integer.toUnsignedString(uid)
                + ", gid=" + Integer.toUnsignedString(gid) + "]";
    }
}

package io.hvl9p.server.spi;

import java.util.Arrays;

/**
 * Who a request acts as: the file system uid, gid and supplementary groups of the attaching user
 * (Tattach's uname / n_uname), resolved once at attach.
 */
public record Identity(int uid, int gid, int[] groups) {
    public static final Identity ROOT = new Identity(0, 0, new int[0]);

    public Identity {
        groups = groups.clone();
    }

    @Override
    public int[] groups() {
        return groups.clone();
    }

    /** Whether this identity may give a new file the group {@code g} (root, its gid or a supplementary group). */
    public boolean mayUseGroup(int g) {
        if (uid == 0 || g == gid) {
            return true;
        }
        for (int x : groups) {
            if (x == g) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Identity i && i.uid == uid && i.gid == gid && Arrays.equals(i.groups, groups);
    }

    @Override
    public int hashCode() {
        return (uid * 31 + gid) * 31 + Arrays.hashCode(groups);
    }

    @Override
    public String toString() {
        return "uid=" + Integer.toUnsignedString(uid) + " gid=" + Integer.toUnsignedString(gid) + " groups="
                + Arrays.toString(groups);
    }
}

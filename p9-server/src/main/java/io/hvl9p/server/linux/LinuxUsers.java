package io.hvl9p.server.linux;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.P9String;
import io.hvl9p.server.linux.sys.Passwd;
import io.hvl9p.server.linux.sys.Sys;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Users;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tattach's user resolved through the host's user database (NSS, via getpwnam_r / getpwuid_r /
 * getgrouplist). n_uname wins over uname, as in the Linux client's {@code access=user} mode; a
 * numeric uid without a passwd entry acts with gid = uid and no supplementary groups. A server
 * that is not root acts as itself whatever the client says.
 */
public final class LinuxUsers implements Users {
    /** nobody / nogroup on Debian-like systems: the identity of an attach naming no user at all. */
    static final int NOBODY = 65534;

    private static final LinuxUsers SYSTEM = new LinuxUsers();

    private record Key(P9String uname, int nUname) {}

    private final ConcurrentHashMap<Key, Identity> cache = new ConcurrentHashMap<>();

    private LinuxUsers() {}

    public static LinuxUsers system() {
        return SYSTEM;
    }

    @Override
    public Identity lookup(P9String uname, int nUname) {
        if (!ThreadCreds.SWITCHING) {
            return new Identity(Sys.geteuid(), Sys.getegid(), new int[0]);
        }
        Key k = new Key(uname, nUname);
        Identity cached = cache.get(k);
        if (cached != null) {
            return cached;
        }
        Identity who = resolve(uname, nUname);
        if (cache.size() < 4096) {
            cache.put(k, who);
        }
        return who;
    }

    private static Identity resolve(P9String uname, int nUname) {
        if (nUname != MiscConstants.NONUNAME) {
            Optional<Passwd> pw = Sys.getpwuid(nUname);
            return pw.map(LinuxUsers::identity).orElseGet(() -> new Identity(nUname, nUname, new int[0]));
        }
        if (uname.isEmpty()) {
            return new Identity(NOBODY, NOBODY, new int[0]);
        }
        return Sys.getpwnam(uname.bytes())
                .map(LinuxUsers::identity)
                .orElseThrow(() -> new BackendException(Errno.EPERM, "no user " + uname + " on this host"));
    }

    private static Identity identity(Passwd pw) {
        return new Identity(pw.uid(), pw.gid(), Sys.getgrouplist(pw.name(), pw.gid()));
    }
}

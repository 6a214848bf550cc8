package io.hvl9p.server.spi;

import io.hvl9p.protocol.P9String;

/**
 * Turns Tattach's user into the identity requests act as. A Linux server running as root looks
 * the user up in the host's user database, as diod and QEMU's passthrough mode do; one that is not
 * root acts as itself whatever the client says.
 */
@FunctionalInterface
public interface Users {
    /**
     * @param uname the user name (may be empty)
     * @param nUname the numeric uid, or {@code MiscConstants.NONUNAME}; it takes precedence over uname
     * @throws BackendException EPERM (or another errno) when the user is refused
     */
    Identity lookup(P9String uname, int nUname);
}

package io.hvl9p.server.linux;

import io.hvl9p.server.linux.sys.Sys;
import io.hvl9p.server.spi.Identity;

/**
 * Makes the calling OS thread act as an identity: supplementary groups, fsgid, fsuid, set with
 * raw per-thread system calls (glibc's setgroups would change every thread). Only a server
 * running as root switches; the last identity set is remembered per thread, so repeated requests
 * of one user cost no system call. Must run on platform threads: a virtual thread could move to
 * another carrier between the switch and the file operation.
 */
final class ThreadCreds {
    static final boolean SWITCHING = Sys.geteuid() == 0;

    private record Current(Identity who, int gid) {}

    private static final ThreadLocal<Current> CURRENT = new ThreadLocal<>();

    private ThreadCreds() {}

    /** Acts as {@code who}; {@code gid} is the group new files get (the identity's own unless a create asks otherwise). */
    static void enter(Identity who, int gid) {
        if (!SWITCHING) {
            return;
        }
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("identity switching on a virtual thread");
        }
        Current c = CURRENT.get();
        if (c != null && c.gid == gid && c.who.equals(who)) {
            return;
        }
        if (c == null || !c.who.equals(who)) {
            Sys.setgroupsThread(who.groups());
        }
        Sys.setfsgid(gid);
        Sys.setfsuid(who.uid());
        CURRENT.set(new Current(who, gid));
    }

    static void enter(Identity who) {
        enter(who, who.gid());
    }
}

package io.hvl9p.server.linux.sys;

import static io.hvl9p.server.linux.sys.Native.cstr;
import static io.hvl9p.server.linux.sys.Native.errnoSlot;
import static io.hvl9p.server.linux.sys.Native.retry;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.hvl9p.protocol.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Credentials of the calling OS thread (raw system calls, which change only the calling kernel
 * task) and the user database (libc, so NSS).
 */
final class IdentityCalls {
    private IdentityCalls() {}

    private static final MethodHandle SYSCALL1 =
            Native.syscall(FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
    private static final MethodHandle SYSCALL_LP =
            Native.syscall(FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS), false);
    private static final MethodHandle GETEUID = Native.libc("geteuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETEGID = Native.libc("getegid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPWNAM_R =
            Native.libc("getpwnam_r", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle GETPWUID_R =
            Native.libc("getpwuid_r", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle GETGROUPLIST =
            Native.libc("getgrouplist", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));

    /** struct passwd on 64-bit Linux: pw_name at 0, pw_uid at 16, pw_gid at 20; 48 bytes. */
    private static final int PASSWD_SIZE = 48;

    private static final int NSS_BUFFER_MAX = 1 << 20;
    private static final int GROUPS_MAX = 1 << 16;

    static int setfsuid(int uid) {
        return fsid(Arch.SYS_SETFSUID, uid);
    }

    static int setfsgid(int gid) {
        return fsid(Arch.SYS_SETFSGID, gid);
    }

    static boolean setfsuidChecked(int uid) {
        setfsuid(uid);
        return setfsuid(-1) == uid;
    }

    static boolean setfsgidChecked(int gid) {
        setfsgid(gid);
        return setfsgid(-1) == gid;
    }

    private static int fsid(long nr, int id) {
        onPlatformThread("setfs*id");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            // Never fails and never sets errno: it returns the previous id either way.
            long arg = Integer.toUnsignedLong(id);
            return (int) Native.once(() -> (long) SYSCALL1.invokeExact(err, nr, arg));
        }
    }

    static void setgroupsThread(int[] gids) {
        onPlatformThread("setgroups");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment list = gids.length == 0 ? MemorySegment.NULL : a.allocateFrom(JAVA_INT, gids);
            long n = gids.length;
            long r = retry(err, () -> (long) SYSCALL_LP.invokeExact(err, Arch.SYS_SETGROUPS, n, list));
            if (r < 0) throw new SysException("setgroups(" + gids.length + " groups)", Native.errno(err));
        }
    }

    static int geteuid() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            return (int) Native.once(() -> (int) GETEUID.invokeExact(err));
        }
    }

    static int getegid() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            return (int) Native.once(() -> (int) GETEGID.invokeExact(err));
        }
    }

    static Optional<Passwd> getpwnam(byte[] name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = cstr(a, name, "getpwnam_r");
            return passwd(a, "getpwnam_r(" + Native.show(name) + ")", (err, pw, buf, size, result) ->
                    (int) GETPWNAM_R.invokeExact(err, n, pw, buf, size, result));
        }
    }

    static Optional<Passwd> getpwuid(int uid) {
        try (Arena a = Arena.ofConfined()) {
            return passwd(a, "getpwuid_r(" + Integer.toUnsignedString(uid) + ")", (err, pw, buf, size, result) ->
                    (int) GETPWUID_R.invokeExact(err, uid, pw, buf, size, result));
        }
    }

    @FunctionalInterface
    private interface PwCall {
        int call(MemorySegment err, MemorySegment pw, MemorySegment buf, long size, MemorySegment result)
                throws Throwable;
    }

    /** The *_r protocol: the error is the return value; ERANGE means a bigger buffer is needed. */
    private static Optional<Passwd> passwd(Arena a, String call, PwCall c) {
        MemorySegment err = errnoSlot(a);
        MemorySegment pw = a.allocate(PASSWD_SIZE, 8);
        MemorySegment result = a.allocate(ADDRESS);
        for (long size = 1024; ; ) {
            MemorySegment buf = a.allocate(size);
            long cap = size;
            int r = (int) Native.once(() -> c.call(err, pw, buf, cap, result));
            if (r == Errno.EINTR) continue;
            if (r == Errno.ERANGE && size < NSS_BUFFER_MAX) {
                size *= 2;
                continue;
            }
            if (r == Errno.ENOENT || r == Errno.ESRCH) return Optional.empty(); // "not found" on some NSS
            if (r != 0) throw new SysException(call, r);
            if (result.get(ADDRESS, 0).equals(MemorySegment.NULL)) return Optional.empty();
            byte[] name = Native.cstrBytes(pw.get(ADDRESS, 0), buf, LinuxConstants.PATH_MAX);
            return Optional.of(new Passwd(name, pw.get(JAVA_INT, 16), pw.get(JAVA_INT, 20)));
        }
    }

    static int[] getgrouplist(byte[] user, int gid) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment u = cstr(a, user, "getgrouplist");
            MemorySegment count = a.allocate(JAVA_INT);
            for (int n = 32; ; ) {
                MemorySegment groups = a.allocate(JAVA_INT, n);
                count.set(JAVA_INT, 0, n);
                int r = (int) Native.once(() -> (int) GETGROUPLIST.invokeExact(err, u, gid, groups, count));
                int needed = count.get(JAVA_INT, 0);
                if (r >= 0) {
                    return groups.asSlice(0, (long) needed * Integer.BYTES).toArray(JAVA_INT);
                }
                if (n >= GROUPS_MAX) {
                    throw new SysException("getgrouplist(" + Native.show(user) + ")", Errno.ERANGE);
                }
                n = Math.min(GROUPS_MAX, Math.max(needed, n * 2));
            }
        }
    }

    private static void onPlatformThread(String call) {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException(call + " changes the OS thread; a virtual thread may move off it");
        }
    }
}

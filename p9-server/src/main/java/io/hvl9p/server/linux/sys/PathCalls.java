package io.hvl9p.server.linux.sys;

import static io.hvl9p.server.linux.sys.Native.cstr;
import static io.hvl9p.server.linux.sys.Native.errnoSlot;
import static io.hvl9p.server.linux.sys.Native.fail;
import static io.hvl9p.server.linux.sys.Native.failAt;
import static io.hvl9p.server.linux.sys.Native.retry;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;

/** Names in directories: metadata changes, making and removing entries, links, listing. */
final class PathCalls {
    private PathCalls() {}

    private static final MethodHandle FCHMODAT =
            Native.libc("fchmodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCHOWNAT =
            Native.libc("fchownat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle UTIMENSAT =
            Native.libc("utimensat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle MKDIRAT =
            Native.libc("mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MKNODAT =
            Native.libc("mknodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle SYMLINKAT =
            Native.libc("symlinkat", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle READLINKAT =
            Native.libc("readlinkat", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle LINKAT =
            Native.libc("linkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RENAMEAT2 =
            Native.libc("renameat2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle UNLINKAT =
            Native.libc("unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETDENTS64 =
            Native.syscall(FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG), true);

    /** Offset of d_name in struct linux_dirent64. */
    private static final int DIRENT_NAME = 19;

    private static final int READLINK_MAX = 1 << 20;
    private static final byte[] PROC_SELF_FD = "/proc/self/fd/".getBytes(StandardCharsets.US_ASCII);

    static void fchmodat(int dirfd, byte[] path, int mode, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, "fchmodat");
            int r = retry(err, () -> (int) FCHMODAT.invokeExact(err, dirfd, p, mode, flags));
            if (r < 0) throw failAt(err, "fchmodat", dirfd, path);
        }
    }

    static void fchownat(int dirfd, byte[] path, int uid, int gid, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, "fchownat");
            int r = retry(err, () -> (int) FCHOWNAT.invokeExact(err, dirfd, p, uid, gid, flags));
            if (r < 0) throw failAt(err, "fchownat", dirfd, path);
        }
    }

    static void utimensat(
            int dirfd, byte[] path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, "utimensat");
            MemorySegment times = a.allocate(32, 8); // struct timespec[2] {time_t tv_sec; long tv_nsec;}
            times.set(JAVA_LONG, 0, atimeSec);
            times.set(JAVA_LONG, 8, atimeNsec);
            times.set(JAVA_LONG, 16, mtimeSec);
            times.set(JAVA_LONG, 24, mtimeNsec);
            int r = retry(err, () -> (int) UTIMENSAT.invokeExact(err, dirfd, p, times, flags));
            if (r < 0) throw failAt(err, "utimensat", dirfd, path);
        }
    }

    static void mkdirat(int dirfd, byte[] name, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, name, "mkdirat");
            int r = retry(err, () -> (int) MKDIRAT.invokeExact(err, dirfd, p, mode));
            if (r < 0) throw fail(err, "mkdirat", name);
        }
    }

    static void mknodat(int dirfd, byte[] name, int mode, long dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, name, "mknodat");
            int r = retry(err, () -> (int) MKNODAT.invokeExact(err, dirfd, p, mode, dev));
            if (r < 0) throw fail(err, "mknodat", name);
        }
    }

    /** glibc's {@code makedev}: 12+20 bit numbers give the same value as the kernel's encoding. */
    static long makedev(int major, int minor) {
        long maj = Integer.toUnsignedLong(major);
        long min = Integer.toUnsignedLong(minor);
        return ((maj & 0x00000fffL) << 8)
                | ((maj & 0xfffff000L) << 32)
                | (min & 0x000000ffL)
                | ((min & 0xffffff00L) << 12);
    }

    static void symlinkat(byte[] target, int dirfd, byte[] name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment t = cstr(a, target, "symlinkat");
            MemorySegment p = cstr(a, name, "symlinkat");
            int r = retry(err, () -> (int) SYMLINKAT.invokeExact(err, t, dirfd, p));
            if (r < 0) throw fail(err, "symlinkat", target, name);
        }
    }

    static byte[] readlinkat(int dirfd, byte[] path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, "readlinkat");
            for (long size = LinuxConstants.PATH_MAX; ; size *= 2) {
                MemorySegment buf = a.allocate(size);
                long cap = size;
                long r = retry(err, () -> (long) READLINKAT.invokeExact(err, dirfd, p, buf, cap));
                if (r < 0) throw failAt(err, "readlinkat", dirfd, path);
                if (r < size || size >= READLINK_MAX) {
                    return buf.asSlice(0, r).toArray(JAVA_BYTE);
                }
            }
        }
    }

    static void linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment o = cstr(a, oldpath, "linkat");
            MemorySegment n = cstr(a, newpath, "linkat");
            int r = retry(err, () -> (int) LINKAT.invokeExact(err, olddirfd, o, newdirfd, n, flags));
            if (r < 0) throw fail(err, "linkat", oldpath, newpath);
        }
    }

    static void renameat2(int olddirfd, byte[] oldname, int newdirfd, byte[] newname, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment o = cstr(a, oldname, "renameat2");
            MemorySegment n = cstr(a, newname, "renameat2");
            int r = retry(err, () -> (int) RENAMEAT2.invokeExact(err, olddirfd, o, newdirfd, n, flags));
            if (r < 0) throw fail(err, "renameat2", oldname, newname);
        }
    }

    static void unlinkat(int dirfd, byte[] name, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, name, "unlinkat");
            int r = retry(err, () -> (int) UNLINKAT.invokeExact(err, dirfd, p, flags));
            if (r < 0) throw fail(err, "unlinkat", name);
        }
    }

    static int getdents64(int fd, ByteBuffer buf) {
        if (buf.isReadOnly()) throw new ReadOnlyBufferException();
        MemorySegment win = MemorySegment.ofBuffer(buf);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            long r = retry(
                    err, () -> (long) GETDENTS64.invokeExact(err, Arch.SYS_GETDENTS64, (long) fd, win, win.byteSize()));
            if (r < 0) throw fail(err, "getdents64", fd);
            buf.position(buf.position() + (int) r);
            return (int) r;
        }
    }

    static void parseDirents(ByteBuffer buf, int len, DirentConsumer c) {
        if (len < 0 || len > buf.remaining()) {
            throw new IndexOutOfBoundsException("len " + len + " with " + buf.remaining() + " bytes remaining");
        }
        MemorySegment s = MemorySegment.ofBuffer(buf).asSlice(0, len);
        long at = 0;
        while (at < len) {
            if (len - at < DIRENT_NAME + 1) {
                throw new IllegalArgumentException("truncated linux_dirent64 at " + at);
            }
            long ino = s.get(JAVA_LONG_UNALIGNED, at);
            long off = s.get(JAVA_LONG_UNALIGNED, at + 8);
            int reclen = Short.toUnsignedInt(s.get(JAVA_SHORT_UNALIGNED, at + 16));
            int type = Byte.toUnsignedInt(s.get(JAVA_BYTE, at + 18));
            if (reclen < DIRENT_NAME + 1 || reclen > len - at) {
                throw new IllegalArgumentException("bad d_reclen " + reclen + " at " + at);
            }
            long nameLen = 0;
            while (nameLen < reclen - DIRENT_NAME && s.get(JAVA_BYTE, at + DIRENT_NAME + nameLen) != 0) {
                nameLen++;
            }
            byte[] name = s.asSlice(at + DIRENT_NAME, nameLen).toArray(JAVA_BYTE);
            if (!c.accept(ino, off, type, name)) {
                return;
            }
            at += reclen;
        }
    }

    static byte[] procFdPath(int fd) {
        if (fd < 0) throw new IllegalArgumentException("fd " + fd);
        byte[] digits = Integer.toString(fd).getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[PROC_SELF_FD.length + digits.length];
        System.arraycopy(PROC_SELF_FD, 0, p, 0, PROC_SELF_FD.length);
        System.arraycopy(digits, 0, p, PROC_SELF_FD.length, digits.length);
        return p;
    }
}

package io.hvl9p.server.linux.sys;

import static io.hvl9p.server.linux.sys.Native.cstr;
import static io.hvl9p.server.linux.sys.Native.errnoSlot;
import static io.hvl9p.server.linux.sys.Native.fail;
import static io.hvl9p.server.linux.sys.Native.retry;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.hvl9p.protocol.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/** Descriptors and their contents: open, close, stat, read, write, sync, truncate, seek, locks. */
final class FileCalls {
    private FileCalls() {}

    private static final MethodHandle OPENAT =
            Native.libcVariadic("openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 3);
    private static final MethodHandle OPENAT2 =
            Native.syscall(FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG), false);
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL_INT =
            Native.libcVariadic("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle FCNTL_PTR =
            Native.libcVariadic("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), 2);
    private static final MethodHandle STATX =
            Native.libc("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle PREAD =
            Native.libcCritical("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE =
            Native.libcCritical("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FSYNC = Native.libc("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FDATASYNC = Native.libc("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FTRUNCATE =
            Native.libc("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle TRUNCATE =
            Native.libc("truncate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle LSEEK =
            Native.libc("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FSTATFS =
            Native.libc("fstatfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private static final int STATX_SIZE = 256;
    private static final int STATFS_SIZE = 120;
    private static final int FLOCK_SIZE = 32;
    private static final int OPEN_HOW_SIZE = 24;

    static int openat(int dirfd, byte[] name, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, name, "openat");
            int r = retry(err, () -> (int) OPENAT.invokeExact(err, dirfd, p, flags, mode));
            if (r < 0) throw fail(err, "openat", name);
            return r;
        }
    }

    static int openat2(int dirfd, byte[] path, long flags, long mode, long resolve) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, "openat2");
            MemorySegment how = a.allocate(OPEN_HOW_SIZE, 8);
            how.set(JAVA_LONG, 0, flags);
            how.set(JAVA_LONG, 8, mode);
            how.set(JAVA_LONG, 16, resolve);
            long r = retry(err, () ->
                    (long) OPENAT2.invokeExact(err, Arch.SYS_OPENAT2, (long) dirfd, p, how, (long) OPEN_HOW_SIZE));
            if (r < 0) throw fail(err, "openat2", path);
            return (int) r;
        }
    }

    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            // Never retried: on Linux the descriptor is released even when close reports EINTR.
            int r = (int) Native.once(() -> (int) CLOSE.invokeExact(err, fd));
            if (r < 0 && Native.errno(err) != Errno.EINTR) throw fail(err, "close", fd);
        }
    }

    static int dupCloexec(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            int r = retry(err, () -> (int) FCNTL_INT.invokeExact(err, fd, LinuxConstants.F_DUPFD_CLOEXEC, 0));
            if (r < 0) throw fail(err, "fcntl(F_DUPFD_CLOEXEC)", fd);
            return r;
        }
    }

    static Statx statx(int dirfd, byte[] path, int flags, int mask) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, "statx");
            MemorySegment s = a.allocate(STATX_SIZE, 8);
            int r = retry(err, () -> (int) STATX.invokeExact(err, dirfd, p, flags, mask, s));
            if (r < 0) throw Native.failAt(err, "statx", dirfd, path);
            return new Statx(
                    s.get(JAVA_INT, 0),
                    s.get(JAVA_INT, 4),
                    s.get(JAVA_LONG, 8),
                    s.get(JAVA_INT, 16),
                    s.get(JAVA_INT, 20),
                    s.get(JAVA_INT, 24),
                    Short.toUnsignedInt(s.get(JAVA_SHORT, 28)),
                    s.get(JAVA_LONG, 32),
                    s.get(JAVA_LONG, 40),
                    s.get(JAVA_LONG, 48),
                    s.get(JAVA_LONG, 56),
                    s.get(JAVA_LONG, 64),
                    s.get(JAVA_INT, 72),
                    s.get(JAVA_LONG, 80),
                    s.get(JAVA_INT, 88),
                    s.get(JAVA_LONG, 96),
                    s.get(JAVA_INT, 104),
                    s.get(JAVA_LONG, 112),
                    s.get(JAVA_INT, 120),
                    s.get(JAVA_INT, 128),
                    s.get(JAVA_INT, 132),
                    s.get(JAVA_INT, 136),
                    s.get(JAVA_INT, 140));
        }
    }

    static int pread(int fd, ByteBuffer dst, long offset) {
        if (dst.isReadOnly()) throw new ReadOnlyBufferException();
        MemorySegment buf = MemorySegment.ofBuffer(dst);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            long r = retry(err, () -> (long) PREAD.invokeExact(err, fd, buf, buf.byteSize(), offset));
            if (r < 0) throw fail(err, "pread", fd);
            dst.position(dst.position() + (int) r);
            return (int) r;
        }
    }

    static int pwrite(int fd, ByteBuffer src, long offset) {
        MemorySegment buf = MemorySegment.ofBuffer(src);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            long r = retry(err, () -> (long) PWRITE.invokeExact(err, fd, buf, buf.byteSize(), offset));
            if (r < 0) throw fail(err, "pwrite", fd);
            src.position(src.position() + (int) r);
            return (int) r;
        }
    }

    static void fsync(int fd) {
        fdCall(FSYNC, "fsync", fd);
    }

    static void fdatasync(int fd) {
        fdCall(FDATASYNC, "fdatasync", fd);
    }

    private static void fdCall(MethodHandle h, String call, int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            int r = retry(err, () -> (int) h.invokeExact(err, fd));
            if (r < 0) throw fail(err, call, fd);
        }
    }

    static void ftruncate(int fd, long len) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            int r = retry(err, () -> (int) FTRUNCATE.invokeExact(err, fd, len));
            if (r < 0) throw fail(err, "ftruncate", fd);
        }
    }

    static void truncate(byte[] path, long len) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, "truncate");
            int r = retry(err, () -> (int) TRUNCATE.invokeExact(err, p, len));
            if (r < 0) throw fail(err, "truncate", path);
        }
    }

    static long lseek(int fd, long offset, int whence) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            long r = retry(err, () -> (long) LSEEK.invokeExact(err, fd, offset, whence));
            if (r < 0) throw fail(err, "lseek", fd);
            return r;
        }
    }

    static StatFs fstatfs(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment s = a.allocate(STATFS_SIZE, 8);
            int r = retry(err, () -> (int) FSTATFS.invokeExact(err, fd, s));
            if (r < 0) throw fail(err, "fstatfs", fd);
            long fsid =
                    (Integer.toUnsignedLong(s.get(JAVA_INT, 56)) << 32) | Integer.toUnsignedLong(s.get(JAVA_INT, 60));
            return new StatFs(
                    s.get(JAVA_LONG, 0),
                    s.get(JAVA_LONG, 8),
                    s.get(JAVA_LONG, 16),
                    s.get(JAVA_LONG, 24),
                    s.get(JAVA_LONG, 32),
                    s.get(JAVA_LONG, 40),
                    s.get(JAVA_LONG, 48),
                    fsid,
                    s.get(JAVA_LONG, 64),
                    s.get(JAVA_LONG, 72),
                    s.get(JAVA_LONG, 80));
        }
    }

    static void ofdSetLock(int fd, Flock l) {
        lockCall(fd, l, LinuxConstants.F_OFD_SETLK, "fcntl(F_OFD_SETLK)");
    }

    static Flock ofdGetLock(int fd, Flock l) {
        return lockCall(fd, l, LinuxConstants.F_OFD_GETLK, "fcntl(F_OFD_GETLK)");
    }

    private static Flock lockCall(int fd, Flock l, int cmd, String call) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment f = a.allocate(FLOCK_SIZE, 8);
            f.set(JAVA_SHORT, 0, (short) l.type());
            f.set(JAVA_SHORT, 2, (short) l.whence());
            f.set(JAVA_LONG, 8, l.start());
            f.set(JAVA_LONG, 16, l.len());
            f.set(JAVA_INT, 24, 0); // OFD locks: l_pid must be 0 going in
            int r = retry(err, () -> (int) FCNTL_PTR.invokeExact(err, fd, cmd, f));
            if (r < 0) throw fail(err, call, fd);
            return new Flock(
                    f.get(JAVA_SHORT, 0),
                    f.get(JAVA_SHORT, 2),
                    f.get(JAVA_LONG, 8),
                    f.get(JAVA_LONG, 16),
                    f.get(JAVA_INT, 24));
        }
    }
}

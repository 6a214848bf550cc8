package io.hvl9p.server.linux.sys;

import static io.hvl9p.server.linux.sys.Native.cstr;
import static io.hvl9p.server.linux.sys.Native.errnoSlot;
import static io.hvl9p.server.linux.sys.Native.retry;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * Extended attributes: path, l- (do not follow a final symlink) and f- (descriptor) variants. Values
 * in heap buffers are copied through native memory; direct buffers are passed as they are.
 */
final class XattrCalls {
    private XattrCalls() {}

    private static final FunctionDescriptor GET =
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor FGET =
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor LIST = FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor FLIST = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor SET =
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final FunctionDescriptor FSET =
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final FunctionDescriptor REMOVE = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor FREMOVE = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);

    private static final MethodHandle GETXATTR = Native.libc("getxattr", GET);
    private static final MethodHandle LGETXATTR = Native.libc("lgetxattr", GET);
    private static final MethodHandle FGETXATTR = Native.libc("fgetxattr", FGET);
    private static final MethodHandle LISTXATTR = Native.libc("listxattr", LIST);
    private static final MethodHandle LLISTXATTR = Native.libc("llistxattr", LIST);
    private static final MethodHandle FLISTXATTR = Native.libc("flistxattr", FLIST);
    private static final MethodHandle SETXATTR = Native.libc("setxattr", SET);
    private static final MethodHandle LSETXATTR = Native.libc("lsetxattr", SET);
    private static final MethodHandle FSETXATTR = Native.libc("fsetxattr", FSET);
    private static final MethodHandle REMOVEXATTR = Native.libc("removexattr", REMOVE);
    private static final MethodHandle LREMOVEXATTR = Native.libc("lremovexattr", REMOVE);
    private static final MethodHandle FREMOVEXATTR = Native.libc("fremovexattr", FREMOVE);

    static int get(MethodHandle h, String call, byte[] path, byte[] name, ByteBuffer value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, call);
            MemorySegment n = cstr(a, name, call);
            MemorySegment v = out(a, value);
            long r = retry(err, () -> (long) h.invokeExact(err, p, n, v, v.byteSize()));
            if (r < 0) throw Native.fail(err, call, path, name);
            return done(value, v, r);
        }
    }

    static int fget(int fd, byte[] name, ByteBuffer value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment n = cstr(a, name, "fgetxattr");
            MemorySegment v = out(a, value);
            long r = retry(err, () -> (long) FGETXATTR.invokeExact(err, fd, n, v, v.byteSize()));
            if (r < 0) throw Native.fail(err, "fgetxattr", fd, name);
            return done(value, v, r);
        }
    }

    static int list(MethodHandle h, String call, byte[] path, ByteBuffer list) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, call);
            MemorySegment v = out(a, list);
            long r = retry(err, () -> (long) h.invokeExact(err, p, v, v.byteSize()));
            if (r < 0) throw Native.fail(err, call, path);
            return done(list, v, r);
        }
    }

    static int flist(int fd, ByteBuffer list) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment v = out(a, list);
            long r = retry(err, () -> (long) FLISTXATTR.invokeExact(err, fd, v, v.byteSize()));
            if (r < 0) throw Native.fail(err, "flistxattr", fd);
            return done(list, v, r);
        }
    }

    static void set(MethodHandle h, String call, byte[] path, byte[] name, ByteBuffer value, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, call);
            MemorySegment n = cstr(a, name, call);
            MemorySegment v = in(a, value);
            int r = retry(err, () -> (int) h.invokeExact(err, p, n, v, v.byteSize(), flags));
            if (r < 0) throw Native.fail(err, call, path, name);
            consumed(value);
        }
    }

    static void fset(int fd, byte[] name, ByteBuffer value, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment n = cstr(a, name, "fsetxattr");
            MemorySegment v = in(a, value);
            int r = retry(err, () -> (int) FSETXATTR.invokeExact(err, fd, n, v, v.byteSize(), flags));
            if (r < 0) throw Native.fail(err, "fsetxattr", fd, name);
            consumed(value);
        }
    }

    static void remove(MethodHandle h, String call, byte[] path, byte[] name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment p = cstr(a, path, call);
            MemorySegment n = cstr(a, name, call);
            int r = retry(err, () -> (int) h.invokeExact(err, p, n));
            if (r < 0) throw Native.fail(err, call, path, name);
        }
    }

    static void fremove(int fd, byte[] name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(a);
            MemorySegment n = cstr(a, name, "fremovexattr");
            int r = retry(err, () -> (int) FREMOVEXATTR.invokeExact(err, fd, n));
            if (r < 0) throw Native.fail(err, "fremovexattr", fd, name);
        }
    }

    static MethodHandle getxattr(boolean follow) {
        return follow ? GETXATTR : LGETXATTR;
    }

    static MethodHandle listxattr(boolean follow) {
        return follow ? LISTXATTR : LLISTXATTR;
    }

    static MethodHandle setxattr(boolean follow) {
        return follow ? SETXATTR : LSETXATTR;
    }

    static MethodHandle removexattr(boolean follow) {
        return follow ? REMOVEXATTR : LREMOVEXATTR;
    }

    /** Where the kernel writes: NULL (size 0, a size query) for a null or full buffer. */
    private static MemorySegment out(Arena a, ByteBuffer buf) {
        if (buf == null || !buf.hasRemaining()) return MemorySegment.NULL;
        if (buf.isReadOnly()) throw new ReadOnlyBufferException();
        return Native.nativeWindow(a, buf, false);
    }

    private static MemorySegment in(Arena a, ByteBuffer buf) {
        if (buf == null || !buf.hasRemaining()) return MemorySegment.NULL;
        return Native.nativeWindow(a, buf, true);
    }

    private static int done(ByteBuffer buf, MemorySegment win, long r) {
        if (win.byteSize() > 0) Native.filled(buf, win, (int) r);
        return (int) r;
    }

    private static void consumed(ByteBuffer buf) {
        if (buf != null) buf.position(buf.limit());
    }
}

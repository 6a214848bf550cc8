package io.hvl9p.server.linux.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.hvl9p.protocol.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The plumbing shared by the wrappers: building downcall handles that capture errno, the per-call
 * errno slot, NUL-terminated names, EINTR retry and the exception.
 */
final class Native {
    private Native() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);

    /** A libc function; the handle takes the errno slot as its first argument. */
    static MethodHandle libc(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, CAPTURE_ERRNO);
    }

    /** A variadic libc function whose variadic arguments start at index {@code firstVariadic}. */
    static MethodHandle libcVariadic(String name, FunctionDescriptor fd, int firstVariadic) {
        return LINKER.downcallHandle(
                LINKER.defaultLookup().findOrThrow(name),
                fd,
                CAPTURE_ERRNO,
                Linker.Option.firstVariadicArg(firstVariadic));
    }

    /** As {@link #libc}, linked critical with heap access so heap segments pass without a copy. */
    static MethodHandle libcCritical(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, CAPTURE_ERRNO, CRITICAL);
    }

    /** {@code long syscall(long number, ...)}: every argument after the number is variadic. */
    static MethodHandle syscall(FunctionDescriptor fd, boolean critical) {
        MemorySegment sym = LINKER.defaultLookup().findOrThrow("syscall");
        return critical
                ? LINKER.downcallHandle(sym, fd, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1), CRITICAL)
                : LINKER.downcallHandle(sym, fd, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    }

    /** A fresh errno slot for one call. */
    static MemorySegment errnoSlot(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int errno(MemorySegment slot) {
        return (int) ERRNO.get(slot, 0L);
    }

    /** {@code name} NUL-terminated in {@code arena}; a NUL inside the name is {@code EINVAL}. */
    static MemorySegment cstr(Arena arena, byte[] name, String call) {
        for (byte b : name) {
            if (b == 0) {
                throw new SysException(call + "(" + show(name) + ")", Errno.EINVAL);
            }
        }
        MemorySegment s = arena.allocate(name.length + 1L);
        MemorySegment.copy(name, 0, s, JAVA_BYTE, 0, name.length);
        return s; // allocate() zeroes, so the last byte is the NUL
    }

    /** The bytes of a NUL-terminated string that lies within {@code buf}, or of at most max bytes. */
    static byte[] cstrBytes(MemorySegment ptr, MemorySegment buf, long max) {
        long off = ptr.address() - buf.address();
        MemorySegment s = off >= 0 && off < buf.byteSize() ? buf.asSlice(off) : ptr.reinterpret(max);
        for (long i = 0; i < s.byteSize(); i++) {
            if (s.get(JAVA_BYTE, i) == 0) {
                return s.asSlice(0, i).toArray(JAVA_BYTE);
            }
        }
        throw new IllegalStateException("unterminated string from libc");
    }

    @FunctionalInterface
    interface IntCall {
        int call() throws Throwable;
    }

    @FunctionalInterface
    interface LongCall {
        long call() throws Throwable;
    }

    /** Runs {@code c} until it returns something other than -1 with errno {@code EINTR}. */
    static int retry(MemorySegment errno, IntCall c) {
        try {
            int r;
            do {
                r = c.call();
            } while (r == -1 && errno(errno) == Errno.EINTR);
            return r;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long retry(MemorySegment errno, LongCall c) {
        try {
            long r;
            do {
                r = c.call();
            } while (r == -1 && errno(errno) == Errno.EINTR);
            return r;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Runs {@code c} once (no EINTR retry), for calls that report no errors or must not be retried. */
    static long once(LongCall c) {
        try {
            return c.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static SysException fail(MemorySegment errno, String call, byte[] arg) {
        return new SysException(call + "(" + show(arg) + ")", errno(errno));
    }

    static SysException fail(MemorySegment errno, String call, byte[] arg1, byte[] arg2) {
        return new SysException(call + "(" + show(arg1) + ", " + show(arg2) + ")", errno(errno));
    }

    static SysException fail(MemorySegment errno, String call, int fd) {
        return new SysException(call + "(" + fd + ")", errno(errno));
    }

    static SysException fail(MemorySegment errno, String call, int fd, byte[] arg) {
        return new SysException(call + "(" + fd + ", " + show(arg) + ")", errno(errno));
    }

    /** For *at calls: the path, or the descriptor when the path is empty ({@code AT_EMPTY_PATH}). */
    static SysException failAt(MemorySegment errno, String call, int dirfd, byte[] path) {
        return path.length == 0
                ? new SysException(call + "(" + dirfd + ", \"\")", errno(errno))
                : new SysException(call + "(" + show(path) + ")", errno(errno));
    }

    /** A name for messages: quoted, UTF-8 decoded, control bytes escaped. */
    static String show(byte[] name) {
        String s = new String(name, StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /**
     * Native memory holding {@code buf}'s remaining bytes, for calls not linked with heap access:
     * the buffer itself when direct, else a copy in {@code arena} (made only when {@code copyIn}).
     */
    static MemorySegment nativeWindow(Arena arena, ByteBuffer buf, boolean copyIn) {
        MemorySegment s = MemorySegment.ofBuffer(buf);
        if (s.isNative()) {
            return s;
        }
        MemorySegment n = arena.allocate(Math.max(1, s.byteSize()));
        if (copyIn) {
            MemorySegment.copy(s, 0, n, 0, s.byteSize());
        }
        return n.asSlice(0, s.byteSize());
    }

    /** After a call wrote n bytes into {@code win} for {@code buf}: copy back if needed, advance. */
    static void filled(ByteBuffer buf, MemorySegment win, int n) {
        MemorySegment s = MemorySegment.ofBuffer(buf);
        if (!s.isNative()) {
            MemorySegment.copy(win, 0, s, 0, n);
        }
        buf.position(buf.position() + n);
    }
}

package io.hvl9p.transport.pool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The native calls of this package (architecture.md section 3): {@code open}, {@code mmap},
 * {@code munmap}, {@code close} and {@code sysconf(_SC_PAGESIZE)} through FFM downcalls, one method
 * per system call, errno captured on every call with {@code Linker.Option.captureCallState("errno")}.
 * Linux only (the constants are the Linux x86-64/aarch64 values).
 */
final class Mmap {
    static final int O_RDWR = 2;
    static final int O_SYNC = 0x101000;
    static final int O_CLOEXEC = 0x80000;
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final int SC_PAGESIZE = 30;
    private static final long MAP_FAILED = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = downcall(
            "open",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MMAP = downcall(
            "mmap",
            FunctionDescriptor.of(
                    ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP =
            downcall("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE =
            downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SYSCONF =
            downcall("sysconf", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    private Mmap() {}

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        MemorySegment symbol =
                LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = ERRNO_OPTION;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** {@code open(path, flags)}; returns the file descriptor. */
    static int open(String path, int flags) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, a.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw failure("open(" + path + ")", state);
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * {@code mmap(NULL, size, PROT_READ|PROT_WRITE, MAP_SHARED, fd, offset)}; returns the raw
     * address (the caller gives it a size and a lifetime).
     */
    static long mmap(int fd, long offset, long size, String what) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            MemorySegment p = (MemorySegment)
                    MMAP.invokeExact(state, MemorySegment.NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
            if (p.address() == MAP_FAILED) {
                throw failure("mmap(" + what + ", offset " + offset + ", size " + size + ")", state);
            }
            return p.address();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code munmap(address, size)}; a failure is reported as an unchecked exception (cleanup path). */
    static void munmap(long address, long size) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int rc = (int) MUNMAP.invokeExact(state, MemorySegment.ofAddress(address), size);
            if (rc != 0) {
                throw new IllegalStateException(failure("munmap(0x" + Long.toHexString(address) + ")", state));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code close(fd)}. */
    static void close(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int rc = (int) CLOSE.invokeExact(state, fd);
            if (rc != 0) {
                throw failure("close(" + fd + ")", state);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The system page size, {@code sysconf(_SC_PAGESIZE)}. */
    static long pageSize() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            long size = (long) SYSCONF.invokeExact(state, SC_PAGESIZE);
            if (size <= 0) {
                throw new IllegalStateException(failure("sysconf(_SC_PAGESIZE)", state));
            }
            return size;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static IOException failure(String call, MemorySegment state) {
        int errno = (int) ERRNO.get(state, 0L);
        return new IOException(call + " failed: errno " + errno + errnoName(errno));
    }

    private static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> " (EPERM)";
            case 2 -> " (ENOENT)";
            case 9 -> " (EBADF)";
            case 12 -> " (ENOMEM)";
            case 13 -> " (EACCES)";
            case 16 -> " (EBUSY)";
            case 19 -> " (ENODEV)";
            case 22 -> " (EINVAL)";
            case 75 -> " (EOVERFLOW)";
            default -> "";
        };
    }
}

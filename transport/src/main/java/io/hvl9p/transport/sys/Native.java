package io.hvl9p.transport.sys;

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
 * The system calls of the transport, for the pools and the doorbells (architecture.md section 3):
 * one method per call through FFM
 * downcalls, errno captured on every call with {@code Linker.Option.captureCallState("errno")},
 * {@code EINTR} retried (for {@code ppoll} with the time that is left). A would-block result
 * ({@code EAGAIN}) is returned as {@code -1} by {@link #read} and {@link #write}, because the
 * doorbells expect it; every other failure is a {@link NativeException} naming the call.
 *
 * <p>Linux only; the constants are the x86-64 and aarch64 values (they differ only in {@code
 * O_NOFOLLOW}, chosen by {@code os.arch}).
 */
public final class Native {

    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    /** For a UIO map: writes reach the device registers at once. */
    public static final int O_SYNC = 0x101000;

    public static final int O_NOFOLLOW = System.getProperty("os.arch").equals("aarch64") ? 0x8000 : 0x20000;
    public static final int EFD_NONBLOCK = O_NONBLOCK;
    public static final int EFD_CLOEXEC = O_CLOEXEC;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOSYS = 38;

    /** {@code struct pollfd { int fd; short events; short revents; }}. */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_SHORT.withName("events"),
            ValueLayout.JAVA_SHORT.withName("revents"));

    private static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final int SC_PAGESIZE = 30;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final ValueLayout SIZE_T = ValueLayout.JAVA_LONG;
    private static final MethodHandle OPEN = downcall(
            "open",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE =
            downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle READ = downcall(
            "read", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, SIZE_T));
    private static final MethodHandle WRITE = downcall(
            "write", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, SIZE_T));
    private static final MethodHandle MKFIFO =
            downcall("mkfifo", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle PPOLL = downcall(
            "ppoll",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS));
    private static final MethodHandle EVENTFD = downcall(
            "eventfd", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle MMAP = downcall(
            "mmap",
            FunctionDescriptor.of(
                    ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS,
                    SIZE_T,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP =
            downcall("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, SIZE_T));
    private static final MethodHandle SYSCONF =
            downcall("sysconf", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    private Native() {}

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        MemorySegment symbol =
                LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = ERRNO_OPTION;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** {@code open(path, flags)}; returns the file descriptor. */
    public static int open(String path, int flags) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            MemorySegment cpath = a.allocateFrom(path);
            while (true) {
                int fd = (int) OPEN.invokeExact(state, cpath, flags, 0);
                if (fd >= 0) {
                    return fd;
                }
                if (errno(state) != EINTR) {
                    throw failure("open(" + path + ")", state);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code close(fd)}; not retried on {@code EINTR} (Linux has released the descriptor anyway). */
    public static void close(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int rc = (int) CLOSE.invokeExact(state, fd);
            if (rc != 0 && errno(state) != EINTR) {
                throw failure("close(" + fd + ")", state);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code read(fd, buf, buf.byteSize())}; returns the count, 0 at end of file, -1 for {@code EAGAIN}. */
    public static long read(int fd, MemorySegment buf) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            while (true) {
                long n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
                if (n >= 0) {
                    return n;
                }
                int errno = errno(state);
                if (errno == EAGAIN) {
                    return -1;
                }
                if (errno != EINTR) {
                    throw failure("read(" + fd + ")", state);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code write(fd, buf, buf.byteSize())}; returns the count, -1 for {@code EAGAIN}. */
    public static long write(int fd, MemorySegment buf) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            while (true) {
                long n = (long) WRITE.invokeExact(state, fd, buf, buf.byteSize());
                if (n >= 0) {
                    return n;
                }
                int errno = errno(state);
                if (errno == EAGAIN) {
                    return -1;
                }
                if (errno != EINTR) {
                    throw failure("write(" + fd + ")", state);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code mkfifo(path, mode)} (the mode is then reduced by the umask, as always). */
    public static void mkfifo(String path, int mode) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            MemorySegment cpath = a.allocateFrom(path);
            while (true) {
                int rc = (int) MKFIFO.invokeExact(state, cpath, mode);
                if (rc == 0) {
                    return;
                }
                if (errno(state) != EINTR) {
                    throw failure("mkfifo(" + path + ")", state);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * {@code ppoll(fds, nfds, timeout, NULL)} over an array of {@link #POLLFD}; a negative fd is
     * ignored by the kernel. Returns the number of entries with events, 0 on timeout.
     *
     * @param timeoutNanos {@code 0} only checks, {@code < 0} waits without a limit
     */
    public static int ppoll(MemorySegment fds, long timeoutNanos) throws IOException {
        long nfds = fds.byteSize() / POLLFD.byteSize();
        long deadline = System.nanoTime() + timeoutNanos;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            MemorySegment timespec = timeoutNanos < 0 ? MemorySegment.NULL : a.allocate(TIMESPEC);
            long left = timeoutNanos;
            while (true) {
                if (timeoutNanos >= 0) {
                    timespec.set(ValueLayout.JAVA_LONG, 0, left / NANOS_PER_SECOND);
                    timespec.set(ValueLayout.JAVA_LONG, 8, left % NANOS_PER_SECOND);
                }
                int n = (int) PPOLL.invokeExact(state, fds, nfds, timespec, MemorySegment.NULL);
                if (n >= 0) {
                    return n;
                }
                if (errno(state) != EINTR) {
                    throw failure("ppoll", state);
                }
                if (timeoutNanos >= 0) {
                    left = Math.max(0, deadline - System.nanoTime());
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code eventfd(initval, flags)}; returns the file descriptor. */
    public static int eventfd(int initval, int flags) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int fd = (int) EVENTFD.invokeExact(state, initval, flags);
            if (fd < 0) {
                throw failure("eventfd", state);
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code mmap(NULL, size, PROT_READ|PROT_WRITE, MAP_SHARED, fd, offset)}; returns the address. */
    public static long mmap(int fd, long offset, long size, String what) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            MemorySegment p = (MemorySegment)
                    MMAP.invokeExact(state, MemorySegment.NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
            if (p.address() == -1L) {
                throw failure("mmap(" + what + ", offset " + offset + ", size " + size + ")", state);
            }
            return p.address();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code munmap(address, size)}. */
    public static void munmap(long address, long size) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int rc = (int) MUNMAP.invokeExact(state, MemorySegment.ofAddress(address), size);
            if (rc != 0) {
                throw failure("munmap(0x" + Long.toHexString(address) + ")", state);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The system page size, {@code sysconf(_SC_PAGESIZE)}. */
    public static long pageSize() {
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

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static NativeException failure(String call, MemorySegment state) {
        return new NativeException(call, errno(state));
    }

    /** A failed system call, with its errno (so callers can tell, e.g., {@code ENOSYS} apart). */
    public static final class NativeException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        NativeException(String call, int errno) {
            super(call + " failed: errno " + errno + errnoName(errno));
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }

        private static String errnoName(int errno) {
            return switch (errno) {
                case 1 -> " (EPERM)";
                case 2 -> " (ENOENT)";
                case 5 -> " (EIO)";
                case 6 -> " (ENXIO)";
                case 9 -> " (EBADF)";
                case 12 -> " (ENOMEM)";
                case 13 -> " (EACCES)";
                case 16 -> " (EBUSY)";
                case 17 -> " (EEXIST)";
                case 19 -> " (ENODEV)";
                case 20 -> " (ENOTDIR)";
                case 21 -> " (EISDIR)";
                case 22 -> " (EINVAL)";
                case 24 -> " (EMFILE)";
                case 38 -> " (ENOSYS)";
                case 40 -> " (ELOOP)";
                case 75 -> " (EOVERFLOW)";
                default -> "";
            };
        }
    }
}

package io.hvl9p.transport.pool;

import io.hvl9p.transport.memory.GuestMemory;
import io.hvl9p.transport.sys.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One pool mapped into this process (hvl-transport.md section 1): the mapping, its size and the
 * physical base at which the front-end sees it, as a {@link GuestMemory}.
 *
 * <p>Backings:
 *
 * <ul>
 *   <li>{@link #shm} creates and sizes {@code /dev/shm/NAME} and maps it with {@link
 *       FileChannel#map(FileChannel.MapMode, long, long, Arena)}; {@link #close()} unmaps it and
 *       deletes the file. {@link #openShm} attaches to an existing one (the front-end role in another
 *       process) and leaves the file in place on close.
 *   <li>{@link #uio} maps map {@code M} of a UIO character device with an FFM {@code mmap} downcall
 *       ({@code FileChannel.map} cannot map character devices); {@link #mapFile} uses the same path on
 *       any file.
 * </ul>
 *
 * <p>Every mapping lives in a shared {@link Arena} closed by {@link #close()}: after close, every
 * access through {@link #memory()} throws {@link IllegalStateException} instead of touching unmapped
 * memory. {@link #close()} is idempotent.
 *
 * <p><b>Shutdown hook.</b> A pool file created by {@link #shm} is registered with one JVM shutdown
 * hook (installed on first use) that deletes every such file not yet closed, so a normal exit,
 * {@code System.exit} or SIGINT/SIGTERM (Ctrl-C) leaves no pool behind. The hook cannot run on
 * SIGKILL or a JVM crash; the stale file then makes the next {@link #shm} with the same name fail
 * with a message saying what is there and how to remove it (or pass {@code replace = true}).
 *
 * <p>Validation: the size is a positive multiple of 4096, the physical base is 4 KiB aligned and
 * {@code physBase + size} does not overflow 64 bits.
 */
public final class Pool implements AutoCloseable {
    /** Where shm pools live. */
    public static final Path SHM_DIR = Path.of("/dev/shm");
    /** The granule of pool sizes and physical bases. */
    public static final long GRANULE = 4096;
    /** Longest accepted shm name. */
    public static final int MAX_NAME = 200;

    private final Arena arena;
    private final GuestMemory memory;
    private final long size;
    private final long physBase;
    private final String describe;
    private final Path owned; // file deleted on close, or null
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pool(Arena arena, MemorySegment segment, long physBase, String describe, Path owned) {
        this.arena = arena;
        this.memory = GuestMemory.of(segment, physBase);
        this.size = segment.byteSize();
        this.physBase = physBase;
        this.describe = describe + ", " + size + " bytes at phys 0x" + Long.toHexString(physBase);
        this.owned = owned;
    }

    /** Same as {@link #shm(String, long, long, boolean) shm(name, size, physBase, false)}. */
    public static Pool shm(String name, long size, long physBase) throws IOException {
        return shm(name, size, physBase, false);
    }

    /**
     * Creates {@code /dev/shm/NAME} (mode 0600) of {@code size} zero bytes and maps it.
     *
     * @param replace if true, an existing file of that name (a stale pool) is deleted first; if false
     *     an existing file is refused with an {@link IOException} explaining how to remove it
     * @throws IllegalArgumentException for a bad name, size or physical base
     */
    public static Pool shm(String name, long size, long physBase, boolean replace) throws IOException {
        Path path = shmPath(name);
        validate(size, physBase);
        if (replace) {
            Files.deleteIfExists(path);
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(
                    path,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(path.toString(), null, stale(path));
        }
        Cleanup.register(path);
        try (ch) {
            // FileChannel.truncate only shrinks: grow by writing the last byte.
            ch.write(ByteBuffer.allocate(1), size - 1);
            return map(ch, path, size, physBase, "shm " + path, path);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(path);
            Cleanup.unregister(path);
            throw e;
        }
    }

    /**
     * Attaches to an existing {@code /dev/shm/NAME} created by {@link #shm} (possibly in another
     * process), mapping its whole current size. Closing it unmaps but never deletes the file.
     */
    public static Pool openShm(String name, long physBase) throws IOException {
        Path path = shmPath(name);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            validate(size, physBase);
            return map(ch, path, size, physBase, "shm " + path + " (attached)", null);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no pool of that name (create it with Pool.shm)");
        }
    }

    private static Pool map(FileChannel ch, Path path, long size, long physBase, String describe, Path owned)
            throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            return new Pool(arena, seg, physBase, describe, owned);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Maps map {@code map} of the UIO device {@code dev} (for example {@code /dev/uio0}) through an
     * FFM {@code mmap} at offset {@code map * pageSize}, opened {@code O_RDWR|O_SYNC|O_CLOEXEC}. The
     * size is read from {@code /sys/class/uio/uioN/maps/mapM/size}.
     */
    public static Pool uio(Path dev, int map, long physBase) throws IOException {
        Objects.requireNonNull(dev, "dev");
        if (map < 0) {
            throw new IllegalArgumentException("UIO map index must be >= 0, got " + map);
        }
        Path sizeFile = Path.of("/sys/class/uio", dev.getFileName().toString(), "maps", "map" + map, "size");
        long size = parseSysfsSize(Files.readString(sizeFile), sizeFile);
        validate(size, physBase);
        return mmapPath(
                dev,
                Math.multiplyExact(map, Native.pageSize()),
                size,
                physBase,
                Native.O_SYNC,
                "uio " + dev + " map " + map);
    }

    /**
     * Maps {@code [offset, offset + size)} of any file with the same FFM {@code mmap} path as {@link
     * #uio} (shared, read-write); a regular file must already cover {@code offset + size} (checked:
     * touching a mapped page past the end of a file would be SIGBUS). Closing unmaps, never deletes.
     * {@code offset} must be a multiple of the system page size.
     */
    public static Pool mapFile(Path file, long offset, long size, long physBase) throws IOException {
        Objects.requireNonNull(file, "file");
        validate(size, physBase);
        long page = Native.pageSize();
        if (offset < 0 || offset % page != 0) {
            throw new IllegalArgumentException(
                    "offset must be a non-negative multiple of the page size " + page + ", got " + offset);
        }
        if (Files.isRegularFile(file)) {
            long length = Files.size(file);
            if (Long.compareUnsigned(length, offset) < 0 || length - offset < size) {
                // Touching a page past the end of a mapped file is SIGBUS, which would kill the JVM.
                throw new IllegalArgumentException("file " + file + " is " + length + " bytes, too short for " + size
                        + " bytes at offset " + offset + " (extend it first)");
            }
        }
        return mmapPath(file, offset, size, physBase, 0, "file " + file + " at offset " + offset);
    }

    /** {@code munmap} on a cleanup path: a failure is reported as an unchecked exception. */
    private static void unmap(long address, long size) {
        try {
            Native.munmap(address, size);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Pool mmapPath(Path file, long offset, long size, long physBase, int extraFlags, String describe)
            throws IOException {
        int fd = Native.open(file.toString(), Native.O_RDWR | Native.O_CLOEXEC | extraFlags);
        long address;
        try {
            address = Native.mmap(fd, offset, size, file.toString());
        } catch (IOException | RuntimeException | Error e) {
            try {
                Native.close(fd);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        try {
            Native.close(fd); // the mapping outlives the descriptor
        } catch (IOException | RuntimeException | Error e) {
            unmap(address, size);
            throw e;
        }
        Arena arena = Arena.ofShared();
        MemorySegment seg = MemorySegment.ofAddress(address).reinterpret(size, arena, s -> unmap(address, size));
        try {
            return new Pool(arena, seg, physBase, describe, null);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    static long parseSysfsSize(String text, Path from) {
        String t = text.strip();
        if (!t.startsWith("0x") && !t.startsWith("0X")) {
            throw new IllegalArgumentException(from + ": expected a hex size like 0x100000, got '" + t + "'");
        }
        try {
            return Long.parseUnsignedLong(t.substring(2), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(from + ": expected a hex size like 0x100000, got '" + t + "'", e);
        }
    }

    static Path shmPath(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()
                || name.length() > MAX_NAME
                || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0
                || name.equals(".")
                || name.equals("..")) {
            throw new IllegalArgumentException("bad pool name '" + name + "': expected 1.." + MAX_NAME
                    + " characters, no '/' or NUL, not '.' or '..'");
        }
        return SHM_DIR.resolve(name);
    }

    static void validate(long size, long physBase) {
        if (size <= 0 || size % GRANULE != 0) {
            throw new IllegalArgumentException("pool size must be a positive multiple of 4096, got " + size);
        }
        if (physBase % GRANULE != 0) {
            throw new IllegalArgumentException("physBase must be 4 KiB aligned, got 0x" + Long.toHexString(physBase));
        }
        if (Long.compareUnsigned(physBase + size, physBase) < 0 || physBase + size == 0) {
            throw new IllegalArgumentException("physBase 0x" + Long.toHexString(physBase) + " + size 0x"
                    + Long.toHexString(size) + " overflows the 64-bit physical address space");
        }
    }

    private static String stale(Path path) {
        String what;
        try {
            what = Files.size(path) + " bytes, last modified " + Files.getLastModifiedTime(path);
        } catch (IOException e) {
            what = "unreadable: " + e.getMessage();
        }
        return "a file is already there (" + what + "); if it is a pool left behind by a crashed or killed"
                + " run, remove it with 'rm " + path + "' or create the pool with replace = true";
    }

    /** The pool as guest memory at {@link #physBase()}; unusable after {@link #close()}. */
    public GuestMemory memory() {
        return memory;
    }

    /** The pool size in bytes. */
    public long size() {
        return size;
    }

    /** The physical address at which the front-end sees offset 0. */
    public long physBase() {
        return physBase;
    }

    /** A one-line description: backing, size and physical base. */
    public String describe() {
        return describe;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Unmaps the pool and, for a pool created by {@link #shm}, deletes its file. Idempotent; after it,
     * accesses through {@link #memory()} throw {@link IllegalStateException}.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            arena.close();
        } finally {
            if (owned != null) {
                try {
                    Files.deleteIfExists(owned);
                } finally {
                    Cleanup.unregister(owned);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Pool[" + describe + (closed.get() ? ", closed" : "") + "]";
    }

    /** The shutdown-hook registry of pool files not yet deleted. */
    private static final class Cleanup {
        private static final Set<Path> FILES = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::run, "hvl9p-pool-cleanup"));
        }

        private Cleanup() {}

        static void register(Path path) {
            FILES.add(path);
        }

        static void unregister(Path path) {
            FILES.remove(path);
        }

        private static void run() {
            for (Path p : FILES) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    System.err.println("hvl9p: could not delete pool " + p + ": " + e.getMessage());
                }
            }
        }
    }
}

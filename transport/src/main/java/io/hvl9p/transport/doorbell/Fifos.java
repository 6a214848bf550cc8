package io.hvl9p.transport.doorbell;

import io.hvl9p.transport.sys.Native;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;

/** The two named pipes of a {@code fifo:PATH} doorbell: where they are, creating and checking them. */
final class Fifos {
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    private Fifos() {}

    /** {@code PATH.kick}: front-end to back-end. */
    static Path kick(Path base) {
        return suffixed(base, ".kick");
    }

    /** {@code PATH.irq}: back-end to front-end. */
    static Path irq(Path base) {
        return suffixed(base, ".irq");
    }

    private static Path suffixed(Path base, String suffix) {
        Objects.requireNonNull(base, "path");
        return Path.of(base.toString() + suffix);
    }

    /**
     * Creates a FIFO at {@code path} with mode 0600, replacing a stale FIFO but never anything else.
     *
     * @return the new FIFO's file key, so that {@link #deleteIfSame} removes only this one
     */
    static Object create(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new NoSuchFileException(
                    String.valueOf(parent), null, "the directory for doorbell FIFO " + path + " does not exist");
        }
        Integer mode = mode(path);
        if (mode != null) {
            if ((mode & S_IFMT) != S_IFIFO) {
                throw new FileAlreadyExistsException(
                        path.toString(),
                        null,
                        "a " + kind(mode) + " is in the way of doorbell FIFO " + path
                                + "; refusing to replace it (remove it or choose another fifo:PATH)");
            }
            Files.delete(path); // a stale FIFO, left by a back-end that did not close
        }
        Native.mkfifo(path.toString(), 0600);
        Files.setPosixFilePermissions(
                path, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)); // umask-proof
        return fileKey(path);
    }

    /** Fails with a clear message unless {@code path} is a FIFO (the front-end attaches to existing pipes). */
    static void requireFifo(Path path) throws IOException {
        Integer mode = mode(path);
        if (mode == null) {
            throw new NoSuchFileException(
                    path.toString(), null, "no doorbell FIFO (the back-end creates it: start the back-end first)");
        }
        if ((mode & S_IFMT) != S_IFIFO) {
            throw new IOException("doorbell " + path + " is a " + kind(mode) + ", not a FIFO");
        }
    }

    /** Removes {@code path} if it is still the FIFO with {@code key}; someone may have replaced it. */
    static void deleteIfSame(Path path, Object key) throws IOException {
        Object now;
        try {
            now = fileKey(path);
        } catch (NoSuchFileException e) {
            return;
        }
        if (Objects.equals(now, key)) {
            Files.deleteIfExists(path);
        }
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
    }

    private static Integer mode(Path path) throws IOException {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String kind(int mode) {
        return switch (mode & S_IFMT) {
            case 0100000 -> "regular file";
            case 0040000 -> "directory";
            case 0120000 -> "symbolic link";
            case 0140000 -> "socket";
            case 0020000 -> "character device";
            case 0060000 -> "block device";
            default -> "file of type 0" + Integer.toOctalString(mode & S_IFMT);
        };
    }
}

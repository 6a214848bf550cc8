package io.hvl9p.daemon.acceptance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tree readonly.sh expects in its read-only export (see the script's header), made on the host
 * before the server starts, and a {@link #snapshot} of an export tree to show that the guest's
 * write attempts changed nothing.
 */
final class ReadOnlyFixture {
    private ReadOnlyFixture() {}

    /** big.bin: 200 KiB, more than three Treads at msize 64 KiB. */
    private static final byte[] BIG = big(200 * 1024);

    /** What readonly.sh is told about big.bin. */
    static final Map<String, String> ENV =
            Map.of("RO_BIG_SIZE", Integer.toString(BIG.length), "RO_BIG_MD5", hex("MD5", BIG));

    /** Fills {@code export} (an empty directory) with the tree of readonly.sh's header. */
    static void populate(Path export) throws IOException {
        Path hello = Files.writeString(export.resolve("hello.txt"), "hello, read-only world\n");
        Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rw-r--r--"));
        Path dir = Files.createDirectory(export.resolve("dir"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("inner.txt"), "inner\n");
        Path empty = Files.createDirectory(export.resolve("empty"));
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(export.resolve("link"), Path.of("hello.txt"));
        Files.write(export.resolve("big.bin"), BIG);
    }

    /**
     * One line per entry of the tree under {@code root}, {@code root} included, sorted by path:
     * type, mode, owner, size, link count, mtime and ctime (nanoseconds), and the SHA-256 of a
     * file's content or a symlink's target. ctime changes with any metadata change (chmod, chown,
     * xattrs, links), so an equal snapshot means nothing was changed, not only nothing rewritten.
     */
    static List<String> snapshot(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                Map<String, Object> a = Files.readAttributes(
                        p, "unix:mode,uid,gid,size,nlink,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
                String content;
                if (Files.isSymbolicLink(p)) {
                    content = "-> " + Files.readSymbolicLink(p);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    content = "sha256 " + hex("SHA-256", Files.readAllBytes(p));
                } else {
                    content = "";
                }
                String rel = root.relativize(p).toString();
                lines.add(String.format(
                        "%s mode %o uid %s gid %s size %s nlink %s mtime %s ctime %s %s",
                        rel.isEmpty() ? "." : rel,
                        (Integer) a.get("mode"),
                        a.get("uid"),
                        a.get("gid"),
                        a.get("size"),
                        a.get("nlink"),
                        a.get("lastModifiedTime"),
                        a.get("ctime"),
                        content));
            }
        }
        return lines;
    }

    private static byte[] big(int n) {
        byte[] b = new byte[n];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            b[i] = (byte) (x >>> 56);
        }
        return b;
    }

    private static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

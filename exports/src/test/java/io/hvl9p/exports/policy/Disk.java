package io.hvl9p.exports.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What the tests check on the host, through java.nio (never through the backend under test). */
final class Disk {
    private Disk() {}

    static Map<String, Object> attrs(Path p) {
        try {
            return Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int uid(Path p) {
        return (Integer) attrs(p).get("uid");
    }

    static int gid(Path p) {
        return (Integer) attrs(p).get("gid");
    }

    static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    static void write(Path p, String content, String perms) {
        try {
            Files.writeString(p, content);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void mkdir(Path p, String perms) {
        try {
            Files.createDirectory(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> xattrs(Path p) {
        try {
            return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
                    .list();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String xattr(Path p, String name) {
        try {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
            ByteBuffer b = ByteBuffer.allocate(v.size(name));
            v.read(name, b);
            return new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Everything a mutating request could change, for every file beneath {@code root} (root
     * included): type and permission bits, owner, size, inode, link count, mtime, content of
     * regular files and symlink targets, user xattrs. Access and change times are left out.
     */
    static Map<String, String> snapshot(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Map<String, Object> a = attrs(p);
                List<String> parts = new ArrayList<>();
                for (String k : List.of("mode", "uid", "gid", "size", "ino", "nlink", "lastModifiedTime")) {
                    parts.add(k + "=" + a.get(k));
                }
                if (Files.isSymbolicLink(p)) {
                    parts.add("target=" + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    parts.add("content=" + Files.readString(p));
                    parts.add("xattrs=" + xattrs(p));
                }
                out.put(root.relativize(p).toString(), String.join(" ", parts));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}

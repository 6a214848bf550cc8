package io.hvl9p.server.escape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.hvl9p.protocol.Errno;
import io.hvl9p.server.Server;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.server.linux.sys.LinuxConstants;
import io.hvl9p.server.linux.sys.Sys;
import io.hvl9p.server.linux.sys.SysException;
import io.hvl9p.server.net.ListenAddress;
import io.hvl9p.server.net.SocketListener;
import io.hvl9p.server.testing.OpenFds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox every escape test runs in: {@code export/} served as export "a", {@code export-b/}
 * as export "b" by one in-process server on a Unix socket, and {@code outside/}, which holds a
 * canary file (with a {@code user.canary} xattr) and a canary directory. Before each test the
 * whole sandbox except the two exports' contents is described (type, mode, owner, links, size,
 * mtime, ctime, content, link target, listing, xattrs); after the server has stopped it must be
 * described the same, so any file created, changed, linked or chmod-ed outside the exports
 * fails the test, and no descriptor of the process may still point into the sandbox.
 *
 * <p>The server has one worker thread: a request that blocked it (a FIFO opened, say) makes the
 * next request time out instead of being hidden by a spare worker.
 */
abstract class Sandbox {
    static final int ROOT = 0;
    /** An unprivileged user that exists on the host (and has a passwd entry, so its groups are known). */
    static final int USER = 1000;

    static final String CANARY_TEXT = "canary: no client may read, change or link this\n";
    static final String CANARY_XATTR = "user.canary";
    static final byte[] CANARY_XATTR_VALUE = "outside-secret".getBytes(StandardCharsets.UTF_8);
    private static final FileTime OLD = FileTime.fromMillis(1_000_000_000_000L);
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path sandbox;

    Path export;
    Path exportB;
    Path outside;
    Path canary;
    Path canaryDir;
    Path socket;
    Server server;

    private Path socketDir;
    private SocketListener listener;
    private Map<String, String> baseline;
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();

    /** Host-side layout a test class needs, made before the snapshot is taken. */
    void populate() throws Exception {}

    @BeforeEach
    final void startSandbox() throws Exception {
        sandbox = sandbox.toRealPath();
        Files.setPosixFilePermissions(sandbox, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        export = Files.createDirectory(sandbox.resolve("export"));
        exportB = Files.createDirectory(sandbox.resolve("export-b"));
        outside = Files.createDirectory(sandbox.resolve("outside"));
        canary = Files.writeString(outside.resolve("canary.txt"), CANARY_TEXT);
        canaryDir = Files.createDirectory(outside.resolve("canary-dir"));
        Files.writeString(canaryDir.resolve("inner.txt"), "inner canary\n");
        Sys.setxattr(b(canary), b(CANARY_XATTR), ByteBuffer.wrap(CANARY_XATTR_VALUE), 0);
        for (Path p : List.of(export, exportB)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        populate();
        // Old times everywhere outside: a write, a new entry or a touch shows as a changed mtime.
        for (Path p : List.of(canaryDir.resolve("inner.txt"), canary, canaryDir, outside)) {
            Files.setLastModifiedTime(p, OLD);
        }
        baseline = snapshot();
        socketDir = Files.createTempDirectory("hvl9p-escape");
        socket = socketDir.resolve("9p.sock");
        server = Server.start(ServerConfig.builder()
                .export("a", LinuxBackend.open(export, LinuxBackend.Options.defaults()))
                .export("b", LinuxBackend.open(exportB, LinuxBackend.Options.defaults()))
                .workers(1)
                .build());
        listener = SocketListener.start(server, new ListenAddress.Unix(socket));
    }

    @AfterEach
    final void stopSandboxAndCheckNothingEscaped() throws Exception {
        for (AutoCloseable c : closeAtEnd.reversed()) {
            c.close();
        }
        // A closed client's connection is released by its reader thread; Server.close() does not
        // wait for a close already under way, so wait here for the server to forget them all.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        listener.close();
        server.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(socketDir);
        Map<String, String> now = snapshot();
        assertThat(diff(baseline, now))
                .as("changes in the sandbox outside the two exports")
                .isEmpty();
        assertThat(descriptorsInto(sandbox))
                .as("descriptors still open into the sandbox after the server stopped")
                .isEmpty();
    }

    /** Takes the snapshot again, after the host itself changed something outside on purpose. */
    final void rebaseline() throws IOException {
        baseline = snapshot();
    }

    /** Closes {@code c} at the end of the test, before the server stops. */
    final <T extends AutoCloseable> T closeAtEnd(T c) {
        closeAtEnd.add(c);
        return c;
    }

    /** A client connected to the server (closed at the end of the test). */
    final Client connect() throws IOException {
        return closeAtEnd(Client.connect(socket));
    }

    // ------------------------------------------------------------------ the snapshot

    /** Everything in the sandbox except what lies inside the two exports, one line per path. */
    final Map<String, String> snapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        Files.walkFileTree(sandbox, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(export) || dir.equals(exportB)) {
                    m.put(name(dir), "an export (contents not compared)");
                    return FileVisitResult.SKIP_SUBTREE;
                }
                m.put(name(dir), describe(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                m.put(name(file), describe(file));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                m.put(name(file), "unreadable: " + exc);
                return FileVisitResult.CONTINUE;
            }
        });
        return m;
    }

    private String name(Path p) {
        String rel = sandbox.relativize(p).toString();
        return rel.isEmpty() ? "." : rel;
    }

    private static String describe(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:*", NOFOLLOW);
        int mode = (Integer) a.get("mode");
        StringBuilder s = new StringBuilder()
                .append("mode=")
                .append(Integer.toOctalString(mode))
                .append(" uid=")
                .append(a.get("uid"))
                .append(" gid=")
                .append(a.get("gid"))
                .append(" ino=")
                .append(a.get("ino"))
                .append(" nlink=")
                .append(a.get("nlink"))
                .append(" size=")
                .append(a.get("size"))
                .append(" mtime=")
                .append(a.get("lastModifiedTime"))
                .append(" ctime=")
                .append(a.get("ctime"));
        switch (mode & LinuxConstants.S_IFMT) {
            case LinuxConstants.S_IFREG ->
                s.append(" content=").append(HexFormat.of().formatHex(Files.readAllBytes(p)));
            case LinuxConstants.S_IFLNK -> s.append(" target=").append(Files.readSymbolicLink(p));
            case LinuxConstants.S_IFDIR -> {
                try (Stream<Path> l = Files.list(p)) {
                    s.append(" entries=")
                            .append(l.map(x -> x.getFileName().toString())
                                    .sorted()
                                    .toList());
                }
            }
            default -> {}
        }
        s.append(" xattrs=").append(xattrs(p));
        return s.toString();
    }

    /** The extended attributes of {@code p} itself (not followed), names and values. */
    static Map<String, String> xattrs(Path p) {
        Map<String, String> out = new TreeMap<>();
        byte[] path = b(p);
        int size = Sys.llistxattr(path, null);
        if (size == 0) {
            return out;
        }
        ByteBuffer list = ByteBuffer.allocate(size + 256);
        int n = Sys.llistxattr(path, list);
        byte[] names = new byte[n];
        list.flip().get(names);
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (names[i] == 0) {
                byte[] name = java.util.Arrays.copyOfRange(names, start, i);
                start = i + 1;
                ByteBuffer v = ByteBuffer.allocate(65536);
                int len = Sys.lgetxattr(path, name, v);
                byte[] value = new byte[len];
                v.flip().get(value);
                out.put(new String(name, StandardCharsets.UTF_8), HexFormat.of().formatHex(value));
            }
        }
        return out;
    }

    private static List<String> diff(Map<String, String> before, Map<String, String> after) {
        List<String> d = new ArrayList<>();
        for (var e : before.entrySet()) {
            String now = after.get(e.getKey());
            if (now == null) {
                d.add("gone: " + e.getKey() + " (was " + e.getValue() + ")");
            } else if (!now.equals(e.getValue())) {
                d.add("changed: " + e.getKey() + "\n  was " + e.getValue() + "\n  now " + now);
            }
        }
        for (var e : after.entrySet()) {
            if (!before.containsKey(e.getKey())) {
                d.add("new: " + e.getKey() + " " + e.getValue());
            }
        }
        return d;
    }

    // ------------------------------------------------------------------ descriptors

    /** Descriptors of this process (the server runs in it) whose file lies in {@code dir}. */
    static List<String> descriptorsInto(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        String prefix = dir.toString() + "/";
        for (var e : openDescriptors().entrySet()) {
            if (e.getValue().startsWith(prefix) || e.getValue().equals(dir.toString())) {
                out.add(e.getKey() + " -> " + e.getValue());
            }
        }
        return out;
    }

    /**
     * Descriptors on {@code file} that were really opened, i.e. that are not {@code O_PATH}
     * handles: the server's fids hold O_PATH descriptors on everything they walked to, but a
     * device or FIFO must never be opened for I/O.
     */
    static List<String> openedForIo(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (var e : openDescriptors().entrySet()) {
            if (e.getValue().equals(file.toString())) {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + e.getKey()))) {
                        if (line.startsWith("flags:")) {
                            int flags = Integer.parseInt(line.substring(6).trim(), 8);
                            if ((flags & O_PATH) == 0) {
                                out.add(e.getKey() + " flags 0" + Integer.toOctalString(flags));
                            }
                        }
                    }
                } catch (IOException gone) {
                    // closed in between
                }
            }
        }
        return out;
    }

    /** O_PATH as the kernel shows it in /proc/self/fdinfo (octal, x86 and arm64 alike). */
    private static final int O_PATH = 010000000;

    private static Map<Integer, String> openDescriptors() {
        return OpenFds.all();
    }

    // ------------------------------------------------------------------ host-side helpers

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] b(Path p) {
        return b(p.toString());
    }

    /** mknod(2) by the host, as root. */
    static void mknod(Path p, int typeAndMode, int major, int minor) {
        Sys.mknodat(LinuxConstants.AT_FDCWD, b(p), typeAndMode, Sys.makedev(major, minor));
    }

    static void chown(Path p, int uid, int gid) {
        Sys.fchownat(LinuxConstants.AT_FDCWD, b(p), uid, gid, LinuxConstants.AT_SYMLINK_NOFOLLOW);
    }

    /** The value of xattr {@code name} of {@code p} itself, or null when it has none. */
    static byte[] lgetxattr(Path p, String name) {
        ByteBuffer v = ByteBuffer.allocate(65536);
        try {
            int n = Sys.lgetxattr(b(p), b(name), v);
            byte[] out = new byte[n];
            v.flip().get(out);
            return out;
        } catch (SysException e) {
            if (e.errno() == Errno.ENODATA) {
                return null;
            }
            throw e;
        }
    }

    static Map<String, Object> stat(Path p) throws IOException {
        return Files.readAttributes(p, "unix:*", NOFOLLOW);
    }

    static int mode(Path p) throws IOException {
        return (Integer) stat(p).get("mode");
    }

    static void assertAbsent(Path p) {
        if (Files.exists(p, NOFOLLOW)) {
            fail("%s must not exist", p);
        }
    }
}

package io.hvl9p.daemon;

import io.hvl9p.protocol.Dirent;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.client.P9Client;
import io.hvl9p.protocol.client.SocketFrameChannel;
import io.hvl9p.server.Server;
import io.hvl9p.server.ServerConfig;
import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.server.net.ListenAddress;
import io.hvl9p.server.net.SocketListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hvl9p demo}: the system as far as it exists, on one host, with no set-up. Today that is
 * the 9P server over a Unix socket, used by a 9P client the way an auxiliary runtime will use it:
 * list the export, read a file, write one, and check the write on disk. Issue 4 replaces the
 * socket with a shared-memory pool and the client with a simulated runtime in its own process.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Show the system working on this host, with no set-up: serves a sample export",
            "(a temporary directory) over a Unix socket, lists it, reads a file and writes one",
            "through 9P2000.L, checks the file on disk and cleans up. (The shared-memory",
            "transport and a simulated auxiliary runtime join it with issue 4.)"
        })
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path top = Files.createTempDirectory("hvl9p-demo-");
        try {
            return run(top, out);
        } finally {
            deleteTree(top);
            out.println("demo: removed " + top);
            out.flush();
        }
    }

    private static int run(Path top, PrintWriter out) throws IOException {
        Path export = Files.createDirectories(top.resolve("export"));
        Files.writeString(export.resolve("hello.txt"), "hello from Linux\n");
        Files.createDirectories(export.resolve("docs"));
        Path sock = top.resolve("hvl9p.sock");
        out.println("demo: export 'sample' = " + export);
        try (Server server = Server.start(ServerConfig.builder()
                        .export("sample", LinuxBackend.open(export, LinuxBackend.Options.defaults()))
                        .build());
                SocketListener listener = SocketListener.start(server, new ListenAddress.Unix(sock));
                P9Client c = P9Client.connect(SocketFrameChannel.unix(sock), 65536, Duration.ofSeconds(10))) {
            out.println("demo: server listening on " + listener.address() + ", client negotiated " + c.version()
                    + " msize " + c.msize());
            Fid root = c.newFid();
            c.call(
                    new TMessage.Tattach(
                            root, Fid.NOFID, P9String.of("root"), P9String.of("sample"), MiscConstants.NONUNAME),
                    RMessage.Rattach.class);
            out.println("demo: ls / -> " + list(c, root));
            String read = readFile(c, root, "hello.txt");
            out.print("demo: cat hello.txt -> " + read);
            String text = "written by the client over 9P\n";
            writeFile(c, root, "from-client.txt", text);
            String onDisk = Files.readString(export.resolve("from-client.txt"));
            out.println("demo: wrote from-client.txt; on disk: " + onDisk.strip());
            c.call(new TMessage.Tclunk(root), RMessage.Rclunk.class);
            if (!onDisk.equals(text) || !read.equals("hello from Linux\n")) {
                out.println("demo: FAILED: the data did not arrive as sent");
                return 1;
            }
        }
        out.println("demo: ok");
        return 0;
    }

    private static List<String> list(P9Client c, Fid root) throws IOException {
        Fid d = c.newFid();
        c.call(new TMessage.Twalk(root, d, List.of()), RMessage.Rwalk.class);
        c.call(new TMessage.Tlopen(d, OpenFlags.RDONLY), RMessage.Rlopen.class);
        List<String> names = new ArrayList<>();
        long cookie = 0;
        while (true) {
            List<Dirent> ents = c.call(new TMessage.Treaddir(d, cookie, 8192), RMessage.Rreaddir.class)
                    .entries();
            if (ents.isEmpty()) {
                break;
            }
            for (Dirent e : ents) {
                String n = e.name().asString();
                if (!n.equals(".") && !n.equals("..")) {
                    names.add(n + (e.qid().isDirectory() ? "/" : ""));
                }
                cookie = e.offset();
            }
        }
        c.call(new TMessage.Tclunk(d), RMessage.Rclunk.class);
        names.sort(Comparator.naturalOrder());
        return names;
    }

    private static String readFile(P9Client c, Fid root, String name) throws IOException {
        Fid f = c.newFid();
        c.call(new TMessage.Twalk(root, f, List.of(P9Name.of(name))), RMessage.Rwalk.class);
        c.call(new TMessage.Tlopen(f, OpenFlags.RDONLY), RMessage.Rlopen.class);
        long size = c.call(new TMessage.Tgetattr(f, GetattrMask.BASIC), RMessage.Rgetattr.class)
                .size();
        ByteBuffer data = c.call(new TMessage.Tread(f, 0, (int) size), RMessage.Rread.class)
                .data();
        c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
        return StandardCharsets.UTF_8.decode(data).toString();
    }

    private static void writeFile(P9Client c, Fid root, String name, String text) throws IOException {
        Fid f = c.newFid();
        c.call(new TMessage.Twalk(root, f, List.of()), RMessage.Rwalk.class);
        c.call(
                new TMessage.Tlcreate(f, P9Name.of(name), OpenFlags.WRONLY | OpenFlags.CREATE, 0644, 0),
                RMessage.Rlcreate.class);
        c.call(
                new TMessage.Twrite(f, 0, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))),
                RMessage.Rwrite.class);
        c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
    }

    private static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

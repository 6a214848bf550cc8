package io.hvl9p.daemon.runtime;

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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The few file operations the demo and the runtime simulator perform through a 9P client. */
public final class NineOps {
    private NineOps() {}

    /** Tattach to {@code aname} as root; returns the root fid. */
    public static Fid attach(P9Client c, String aname) throws IOException {
        Fid root = c.newFid();
        c.call(
                new TMessage.Tattach(root, Fid.NOFID, P9String.of("root"), P9String.of(aname), MiscConstants.NONUNAME),
                RMessage.Rattach.class);
        return root;
    }

    /** The names in the directory {@code root}, sorted, directories with a trailing slash. */
    public static List<String> list(P9Client c, Fid root) throws IOException {
        Fid d = c.newFid();
        c.call(new TMessage.Twalk(root, d, List.of()), RMessage.Rwalk.class);
        c.call(new TMessage.Tlopen(d, OpenFlags.RDONLY), RMessage.Rlopen.class);
        List<String> names = new ArrayList<>();
        long cookie = 0;
        while (true) {
            List<Dirent> ents = c.call(new TMessage.Treaddir(d, cookie, 4000), RMessage.Rreaddir.class)
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

    /** The whole content of file {@code name} under {@code root}, as UTF-8, read in msize pieces. */
    public static String readFile(P9Client c, Fid root, String name) throws IOException {
        Fid f = c.newFid();
        c.call(new TMessage.Twalk(root, f, List.of(P9Name.of(name))), RMessage.Rwalk.class);
        c.call(new TMessage.Tlopen(f, OpenFlags.RDONLY), RMessage.Rlopen.class);
        long size = c.call(new TMessage.Tgetattr(f, GetattrMask.BASIC), RMessage.Rgetattr.class)
                .size();
        ByteBuffer all = ByteBuffer.allocate((int) size);
        int chunk = c.msize() - MiscConstants.IOHDRSZ;
        while (all.hasRemaining()) {
            ByteBuffer data = c.call(
                            new TMessage.Tread(f, all.position(), Math.min(chunk, all.remaining())),
                            RMessage.Rread.class)
                    .data();
            if (!data.hasRemaining()) {
                break;
            }
            all.put(data);
        }
        c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
        return new String(all.array(), 0, all.position(), StandardCharsets.UTF_8);
    }

    /** Creates (or truncates) file {@code name} under {@code root} with {@code text}. */
    public static void writeFile(P9Client c, Fid root, String name, String text) throws IOException {
        Fid f = c.newFid();
        c.call(new TMessage.Twalk(root, f, List.of()), RMessage.Rwalk.class);
        c.call(
                new TMessage.Tlcreate(
                        f, P9Name.of(name), OpenFlags.WRONLY | OpenFlags.CREATE | OpenFlags.TRUNC, 0644, 0),
                RMessage.Rlcreate.class);
        c.call(
                new TMessage.Twrite(f, 0, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))),
                RMessage.Rwrite.class);
        c.call(new TMessage.Tclunk(f), RMessage.Rclunk.class);
    }
}

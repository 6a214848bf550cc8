package io.hvl9p.conformance.load;

import io.hvl9p.protocol.EncodedFrame;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.Frame;
import io.hvl9p.protocol.FrameDecoder;
import io.hvl9p.protocol.MessageDecoder;
import io.hvl9p.protocol.MessageEncoder;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.RMessage.*;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.protocol.TMessage.*;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small in-memory 9P2000.L server on a Unix socket, one flat directory, for what diod cannot
 * show: a server that implements Tunlinkat, one that returns short reads, and one that holds
 * replies to Tgetattr of a file until {@code holdUntil} are outstanding (to see the generator's depth).
 */
final class MemoryServer implements AutoCloseable {
    private static final int MAX_MSIZE = 65536;

    boolean unlinkat = true;
    /** Answers every Tread at offset 0 with one byte less than asked. */
    boolean shortReadAtZero;
    /** Holds replies to Tgetattr of a file on a connection until this many are waiting (1: answer at once). */
    int holdUntil = 1;

    final AtomicInteger mostGetattrsWaiting = new AtomicInteger();
    final AtomicInteger unlinkats = new AtomicInteger();
    final AtomicInteger removes = new AtomicInteger();

    private final Map<String, Node> files = new ConcurrentHashMap<>();
    private final AtomicLong paths = new AtomicLong(2);
    private final ServerSocketChannel server;
    private final List<SocketChannel> peers = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private static final class Node {
        final long path;
        byte[] data = new byte[0];
        int size;

        Node(long path) {
            this.path = path;
        }
    }

    /** A fid: the root (node null) or a file; opened or not. */
    private record FidState(String name, boolean open) {}

    MemoryServer(Path socket) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        acceptor = Thread.ofPlatform().daemon().name("memserver-accept").start(this::acceptLoop);
    }

    TreeSet<String> names() {
        return new TreeSet<>(files.keySet());
    }

    int size(String name) {
        Node n = files.get(name);
        synchronized (n) {
            return n.size;
        }
    }

    private void acceptLoop() {
        try {
            while (true) {
                SocketChannel c = server.accept();
                peers.add(c);
                Thread.ofPlatform().daemon().name("memserver-conn").start(() -> serve(c));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void serve(SocketChannel c) {
        FrameDecoder decoder = new FrameDecoder(MAX_MSIZE);
        ArrayDeque<ByteBuffer> frames = new ArrayDeque<>();
        ByteBuffer in = ByteBuffer.allocate(MAX_MSIZE * 2);
        Map<Fid, FidState> fids = new HashMap<>();
        List<Frame<RMessage>> held = new ArrayList<>();
        try (c) {
            while (true) {
                while (frames.isEmpty()) {
                    in.clear();
                    if (c.read(in) < 0) {
                        return;
                    }
                    decoder.feed(in.flip(), frames::add);
                }
                Frame<TMessage> req = MessageDecoder.decodeRequest(frames.poll(), MAX_MSIZE);
                RMessage reply = handle(req.message(), fids);
                if (req.message() instanceof Tgetattr g
                        && fids.get(g.fid()) instanceof FidState st
                        && st.name() != null
                        && !(reply instanceof Rlerror)) {
                    held.add(new Frame<>(req.tag(), reply));
                    mostGetattrsWaiting.accumulateAndGet(held.size(), Math::max);
                    if (held.size() < holdUntil) {
                        continue;
                    }
                    for (Frame<RMessage> f : held) {
                        send(c, f.tag(), f.message());
                    }
                    held.clear();
                } else {
                    send(c, req.tag(), reply);
                }
            }
        } catch (IOException | RuntimeException e) {
            // connection closed or broken; the client notices
        }
    }

    private static void send(SocketChannel c, int tag, RMessage m) throws IOException {
        EncodedFrame e = MessageEncoder.encodeGather(tag, m);
        ByteBuffer[] b = e.buffers();
        long left = e.size();
        while (left > 0) {
            left -= c.write(b);
        }
    }

    private RMessage handle(TMessage m, Map<Fid, FidState> fids) {
        return switch (m) {
            case Tversion v -> new Rversion(Math.min(v.msize(), MAX_MSIZE), P9String.of("9P2000.L"));
            case Tattach a -> {
                fids.put(a.fid(), new FidState(null, false));
                yield new Rattach(qid(null));
            }
            case Tgetattr g -> {
                FidState f = fids.get(g.fid());
                if (f == null) {
                    yield new Rlerror(Errno.EBADF);
                }
                yield getattr(f.name());
            }
            case Twalk w -> walk(w, fids);
            case Tlcreate lc -> {
                FidState dir = fids.get(lc.fid());
                if (dir == null || dir.name() != null) {
                    yield new Rlerror(Errno.ENOTDIR);
                }
                String name = lc.name().asString();
                Node fresh = new Node(paths.getAndIncrement());
                Node n = files.putIfAbsent(name, fresh);
                if (n != null && (lc.flags() & OpenFlags.EXCL) != 0) {
                    yield new Rlerror(Errno.EEXIST);
                }
                n = n == null ? fresh : n;
                if ((lc.flags() & OpenFlags.TRUNC) != 0) {
                    synchronized (n) {
                        n.size = 0;
                    }
                }
                fids.put(lc.fid(), new FidState(name, true));
                yield new Rlcreate(new Qid(Qid.QTFILE, 0, n.path), 0);
            }
            case Tlopen o -> {
                FidState f = fids.get(o.fid());
                if (f == null) {
                    yield new Rlerror(Errno.EBADF);
                }
                fids.put(o.fid(), new FidState(f.name(), true));
                yield new Rlopen(qid(f.name()), 0);
            }
            case Tread r -> read(r, fids);
            case Twrite w -> write(w, fids);
            case Tclunk k -> fids.remove(k.fid()) == null ? new Rlerror(Errno.EBADF) : new Rclunk();
            case Tremove rm -> {
                FidState f = fids.remove(rm.fid());
                if (f == null || f.name() == null) {
                    yield new Rlerror(Errno.EBADF);
                }
                removes.incrementAndGet();
                yield files.remove(f.name()) == null ? new Rlerror(Errno.ENOENT) : new Rremove();
            }
            case Tunlinkat u -> {
                if (!unlinkat) {
                    yield new Rlerror(Errno.EOPNOTSUPP);
                }
                unlinkats.incrementAndGet();
                yield files.remove(u.name().asString()) == null ? new Rlerror(Errno.ENOENT) : new Runlinkat();
            }
            default -> new Rlerror(Errno.EOPNOTSUPP);
        };
    }

    private RMessage walk(Twalk w, Map<Fid, FidState> fids) {
        FidState from = fids.get(w.fid());
        if (from == null) {
            return new Rlerror(Errno.EBADF);
        }
        if (w.names().isEmpty()) {
            fids.put(w.newfid(), new FidState(from.name(), false));
            return new Rwalk(List.of());
        }
        if (w.names().size() != 1 || from.name() != null) {
            return new Rlerror(Errno.ENOENT);
        }
        String name = w.names().getFirst().asString();
        if (!files.containsKey(name)) {
            return new Rlerror(Errno.ENOENT);
        }
        fids.put(w.newfid(), new FidState(name, false));
        return new Rwalk(List.of(qid(name)));
    }

    private RMessage read(Tread r, Map<Fid, FidState> fids) {
        FidState f = fids.get(r.fid());
        if (f == null || !f.open() || f.name() == null) {
            return new Rlerror(Errno.EBADF);
        }
        Node n = files.get(f.name());
        synchronized (n) {
            int from = (int) Math.min(r.offset(), n.size);
            int count = Math.min(r.count(), n.size - from);
            if (shortReadAtZero && r.offset() == 0 && count > 1) {
                count--;
            }
            return new Rread(ByteBuffer.wrap(Arrays.copyOfRange(n.data, from, from + count)));
        }
    }

    private RMessage write(Twrite w, Map<Fid, FidState> fids) {
        FidState f = fids.get(w.fid());
        if (f == null || !f.open() || f.name() == null) {
            return new Rlerror(Errno.EBADF);
        }
        Node n = files.get(f.name());
        synchronized (n) {
            int end = Math.toIntExact(w.offset() + w.count());
            if (end > n.data.length) {
                n.data = Arrays.copyOf(n.data, Math.max(end, n.data.length * 2));
            }
            w.data().duplicate().get(n.data, (int) w.offset(), w.count());
            n.size = Math.max(n.size, end);
            return new Rwrite(w.count());
        }
    }

    private Qid qid(String name) {
        return name == null ? new Qid(Qid.QTDIR, 0, 1) : new Qid(Qid.QTFILE, 0, files.get(name).path);
    }

    private RMessage getattr(String name) {
        long size = name == null ? 0 : size(name);
        int mode = name == null ? 040755 : 0100644;
        return new Rgetattr(0x7ff, qid(name), mode, 0, 0, 1, 0, size, 4096, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel c : peers) {
            c.close();
        }
    }
}

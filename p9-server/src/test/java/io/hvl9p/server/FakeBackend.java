package io.hvl9p.server;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.Qid;
import io.hvl9p.server.spi.Attr;
import io.hvl9p.server.spi.Backend;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.DirentSink;
import io.hvl9p.server.spi.FsStat;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.LockResult;
import io.hvl9p.server.spi.Node;
import io.hvl9p.server.spi.OpenFile;
import io.hvl9p.server.spi.SetAttr;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend for connection and transport tests: a flat tree where every name exists, except
 * {@code "missing"}. It counts the nodes and open files made and closed (a leak check), counts
 * getattr calls per name, and can hold a getattr on a {@link Gate} to make a slow request. A
 * getattr on {@code "boom"} throws a RuntimeException (a backend bug).
 */
public final class FakeBackend implements Backend {
    /** How long a gated request waits at most before it fails (so a broken test cannot hang). */
    public static final long GATE_LIMIT_SECONDS = 30;

    public final AtomicInteger nodesOpened = new AtomicInteger();
    public final AtomicInteger nodesClosed = new AtomicInteger();
    public final AtomicInteger filesOpened = new AtomicInteger();
    public final AtomicInteger filesClosed = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> getattrCalls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> getattrThreads = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();
    private final AtomicInteger backendCloses = new AtomicInteger();

    public FakeBackend() {}

    /** Holds getattr calls on one name: {@link #entered} when one arrives, until {@link #release}. */
    public static final class Gate {
        private final CountDownLatch entered;
        private final CountDownLatch released = new CountDownLatch(1);

        private Gate(int callers) {
            entered = new CountDownLatch(callers);
        }

        /** Waits (bounded) until the expected callers are held. */
        public void awaitEntered() throws InterruptedException {
            if (!entered.await(GATE_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("no request reached the gate in " + GATE_LIMIT_SECONDS + " s");
            }
        }

        public boolean hasEntered() {
            return entered.getCount() == 0;
        }

        public void release() {
            released.countDown();
        }

        void pass() {
            entered.countDown();
            try {
                if (!released.await(GATE_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted at the gate", e);
            }
        }
    }

    /** From now on getattr on {@code name} waits at the returned gate. */
    public Gate gate(String name) {
        return gate(name, 1);
    }

    /** A gate that counts {@code callers} arrivals before {@link Gate#awaitEntered} returns. */
    public Gate gate(String name, int callers) {
        Gate g = new Gate(callers);
        gates.put(name, g);
        return g;
    }

    /** Releases every gate (test clean-up). */
    public void releaseAll() {
        gates.values().forEach(Gate::release);
    }

    /** The name of the thread that ran the last getattr on {@code name}. */
    public String lastGetattrThread(String name) {
        return getattrThreads.get(name);
    }

    public int getattrCalls(String name) {
        AtomicInteger n = getattrCalls.get(name);
        return n == null ? 0 : n.get();
    }

    /** Nodes and open files made but not closed. */
    public int leaks() {
        return (nodesOpened.get() - nodesClosed.get()) + (filesOpened.get() - filesClosed.get());
    }

    public int closes() {
        return backendCloses.get();
    }

    @Override
    public Node attach(Identity who) {
        return new FakeNode("/");
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public String describe() {
        return "fake";
    }

    @Override
    public void close() {
        backendCloses.incrementAndGet();
    }

    private static Qid qidOf(String name) {
        return new Qid(name.equals("/") ? Qid.QTDIR : Qid.QTFILE, 0, name.hashCode() & 0xffffffffL);
    }

    private final class FakeNode implements Node {
        private final String name;
        private final AtomicInteger closed = new AtomicInteger();

        FakeNode(String name) {
            this.name = name;
            nodesOpened.incrementAndGet();
        }

        @Override
        public Qid qid() {
            return qidOf(name);
        }

        @Override
        public Node walk(P9Name n) {
            String s = new String(n.bytes(), StandardCharsets.UTF_8);
            if (s.equals("missing")) {
                throw new BackendException(Errno.ENOENT, "no " + s);
            }
            return new FakeNode(s);
        }

        @Override
        public Node duplicate() {
            return new FakeNode(name);
        }

        @Override
        public boolean sameBackend(Node other) {
            return other instanceof FakeNode;
        }

        @Override
        public Attr getattr(long requestMask) {
            getattrCalls.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            getattrThreads.put(name, Thread.currentThread().getName());
            Gate g = gates.get(name);
            if (g != null) {
                g.pass();
            }
            if (name.equals("boom")) {
                throw new IllegalStateException("a backend bug");
            }
            int mode = name.equals("/") ? 040755 : 0100644;
            return new Attr(GetattrMask.BASIC, qid(), mode, 0, 0, 1, 0, 0, 4096, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public void setattr(SetAttr attr) {}

        @Override
        public OpenFile open(int flags) {
            return new FakeFile();
        }

        @Override
        public Created create(P9Name n, int flags, int mode, int gid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Qid mkdir(P9Name n, int mode, int gid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Qid symlink(P9Name n, P9String target, int gid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Qid mknod(P9Name n, int mode, int major, int minor, int gid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void link(P9Name n, Node target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void renameat(P9Name oldName, Node newDir, P9Name newName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void unlinkat(P9Name n, int flags) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void rename(Node newDir, P9Name newName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove() {
            throw new UnsupportedOperationException();
        }

        @Override
        public P9String readlink() {
            throw new BackendException(Errno.EINVAL, "not a symlink");
        }

        @Override
        public FsStat statfs() {
            return new FsStat(0x01021997, 4096, 1, 1, 1, 1, 1, 1, 255);
        }

        @Override
        public byte[] listxattr() {
            return new byte[0];
        }

        @Override
        public byte[] getxattr(P9String n) {
            throw new BackendException(Errno.ENODATA, "no xattr");
        }

        @Override
        public void setxattr(P9String n, byte[] value, int flags) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            if (closed.getAndIncrement() != 0) {
                throw new IllegalStateException("node " + name + " closed twice");
            }
            nodesClosed.incrementAndGet();
        }
    }

    private final class FakeFile implements OpenFile {
        private final AtomicInteger closed = new AtomicInteger();

        FakeFile() {
            filesOpened.incrementAndGet();
        }

        @Override
        public int read(long offset, ByteBuffer dst) {
            return 0;
        }

        @Override
        public int write(long offset, ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public void fsync(boolean datasync) {}

        @Override
        public void readdir(long cookie, DirentSink sink) {}

        @Override
        public int lock(int type, long start, long length) {
            return 0;
        }

        @Override
        public LockResult getlock(int type, long start, long length, int procId, byte[] clientId) {
            return new LockResult(2, 0, 0, 0, new byte[0]);
        }

        @Override
        public void close() {
            if (closed.getAndIncrement() != 0) {
                throw new IllegalStateException("file closed twice");
            }
            filesClosed.incrementAndGet();
        }
    }
}

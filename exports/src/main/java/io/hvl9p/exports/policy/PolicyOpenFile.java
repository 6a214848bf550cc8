package io.hvl9p.exports.policy;

import io.hvl9p.protocol.Errno;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.DirentSink;
import io.hvl9p.server.spi.LockResult;
import io.hvl9p.server.spi.OpenFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An open file of a policy export: writes refused on a read-only export, denied entries left out of readdir. */
final class PolicyOpenFile implements OpenFile {
    private final PolicyBackend backend;
    private final OpenFile inner;
    private final List<String> path; // of the directory, for readdir

    PolicyOpenFile(PolicyBackend backend, OpenFile inner, List<String> path) {
        this.backend = backend;
        this.inner = inner;
        this.path = path;
    }

    @Override
    public int read(long offset, ByteBuffer dst) {
        backend.live();
        return inner.read(offset, dst);
    }

    @Override
    public int write(long offset, ByteBuffer src) {
        backend.live();
        // Not reachable through a write-mode open (refused), but an open file must not be a way around it.
        if (backend.readOnly()) {
            throw new BackendException(Errno.EROFS, "read-only export");
        }
        return inner.write(offset, src);
    }

    @Override
    public void fsync(boolean datasync) {
        backend.live();
        inner.fsync(datasync);
    }

    @Override
    public void readdir(long cookie, DirentSink sink) {
        backend.live();
        if (backend.deny.isEmpty()) {
            inner.readdir(cookie, sink);
            return;
        }
        List<String> child = new ArrayList<>(path.size() + 1);
        child.addAll(path);
        child.add("");
        int last = path.size();
        // A denied entry is taken and dropped: the inner listing goes on, and a later Treaddir
        // resumes after the last entry the client was given, so it is skipped again.
        inner.readdir(cookie, (qid, next, type, name) -> {
            if (!isDotOrDotDot(name)) {
                child.set(last, new String(name, StandardCharsets.UTF_8));
                if (backend.deny.denies(child)) {
                    return true;
                }
            }
            return sink.accept(qid, next, type, name);
        });
    }

    private static boolean isDotOrDotDot(byte[] n) {
        return (n.length == 1 && n[0] == '.') || (n.length == 2 && n[0] == '.' && n[1] == '.');
    }

    @Override
    public int lock(int type, long start, long length) {
        backend.live();
        return inner.lock(type, start, length);
    }

    @Override
    public LockResult getlock(int type, long start, long length, int procId, byte[] clientId) {
        backend.live();
        return inner.getlock(type, start, length, procId, clientId);
    }

    @Override
    public void close() {
        inner.close();
    }
}

package io.hvl9p.server.linux;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.LockConstants;
import io.hvl9p.protocol.Qid;
import io.hvl9p.server.linux.sys.Flock;
import io.hvl9p.server.linux.sys.LinuxConstants;
import io.hvl9p.server.linux.sys.Sys;
import io.hvl9p.server.linux.sys.SysException;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.DirentSink;
import io.hvl9p.server.spi.LockResult;
import io.hvl9p.server.spi.OpenFile;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An opened file: a real descriptor, read and written at explicit offsets (pread/pwrite, so
 * concurrent requests need no lock); locks are OFD locks on it, released when it is closed.
 * Directory listing uses the kernel's own d_off values as cookies, so they stay valid while
 * entries come and go (the guarantee getdents gives for the file system).
 */
final class LinuxOpenFile implements OpenFile {
    private static final int DIRENT_BUFFER = 64 * 1024;

    private final LinuxNode node;
    private final int fd;
    private final boolean directory;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ByteBuffer dirBuffer;

    LinuxOpenFile(LinuxNode node, int fd, boolean directory) {
        this.node = node;
        this.fd = fd;
        this.directory = directory;
        this.dirBuffer = directory ? ByteBuffer.allocate(DIRENT_BUFFER) : null;
    }

    @Override
    public int read(long offset, ByteBuffer dst) {
        if (directory) {
            throw new BackendException(Errno.EISDIR, "read of a directory");
        }
        int total = 0;
        while (dst.hasRemaining()) {
            int n = Sys.pread(fd, dst, offset + total);
            if (n == 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    @Override
    public int write(long offset, ByteBuffer src) {
        if (directory) {
            throw new BackendException(Errno.EISDIR, "write to a directory");
        }
        int total = 0;
        while (src.hasRemaining()) {
            int n = Sys.pwrite(fd, src, offset + total);
            if (n == 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    @Override
    public void fsync(boolean datasync) {
        if (datasync) {
            Sys.fdatasync(fd);
        } else {
            Sys.fsync(fd);
        }
    }

    @Override
    public void readdir(long cookie, DirentSink sink) {
        if (!directory) {
            throw new BackendException(Errno.ENOTDIR, "readdir of a file");
        }
        synchronized (dirBuffer) {
            Sys.lseek(fd, cookie, LinuxConstants.SEEK_SET);
            boolean[] full = {false};
            while (!full[0]) {
                dirBuffer.clear();
                int n = Sys.getdents64(fd, dirBuffer);
                if (n == 0) {
                    return;
                }
                dirBuffer.flip();
                Sys.parseDirents(dirBuffer, n, (ino, off, dtype, name) -> {
                    Qid q = qidOf(ino, dtype, name);
                    if (!sink.accept(q, off, dtype, name)) {
                        full[0] = true;
                        return false;
                    }
                    return true;
                });
            }
        }
    }

    private Qid qidOf(long ino, int dtype, byte[] name) {
        boolean dotdot = name.length == 2 && name[0] == '.' && name[1] == '.';
        if (dotdot && node.isRoot()) {
            return node.qid(); // the parent of the root is not shown: ".." is the root itself
        }
        int t =
                switch (dtype) {
                    case LinuxConstants.DT_DIR -> Qid.QTDIR;
                    case LinuxConstants.DT_LNK -> Qid.QTSYMLINK;
                    default -> Qid.QTFILE;
                };
        return node.backend.qid(t, node.dev, ino);
    }

    @Override
    public int lock(int type, long start, long length) {
        try {
            Sys.ofdSetLock(fd, new Flock(hostType(type), LinuxConstants.SEEK_SET, start, length, 0));
            return LockConstants.STATUS_SUCCESS;
        } catch (SysException e) {
            return switch (e.errno()) {
                case Errno.EAGAIN, Errno.EACCES -> LockConstants.STATUS_BLOCKED;
                case Errno.ENOLCK, Errno.EDEADLK -> LockConstants.STATUS_ERROR;
                default -> throw e;
            };
        }
    }

    @Override
    public LockResult getlock(int type, long start, long length, int procId, byte[] clientId) {
        Flock r = Sys.ofdGetLock(fd, new Flock(hostType(type), LinuxConstants.SEEK_SET, start, length, 0));
        if (r.type() == LinuxConstants.F_UNLCK) {
            return new LockResult(LockConstants.TYPE_UNLCK, start, length, procId, clientId);
        }
        int t = r.type() == LinuxConstants.F_RDLCK ? LockConstants.TYPE_RDLCK : LockConstants.TYPE_WRLCK;
        // OFD locks have no owning process (l_pid -1): report the range and type, no owner.
        return new LockResult(t, r.start(), r.len(), Math.max(0, r.pid()), new byte[0]);
    }

    private static int hostType(int type) {
        return switch (type) {
            case LockConstants.TYPE_RDLCK -> LinuxConstants.F_RDLCK;
            case LockConstants.TYPE_WRLCK -> LinuxConstants.F_WRLCK;
            default -> LinuxConstants.F_UNLCK;
        };
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Sys.close(fd);
        }
    }
}

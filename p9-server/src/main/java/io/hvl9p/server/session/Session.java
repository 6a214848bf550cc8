package io.hvl9p.server.session;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.P9String;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.RMessage.Rlerror;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.ServerConfig;
import java.util.function.BooleanSupplier;

/**
 * One 9P2000.L session: {@link #handle} is the single entry point every transport uses. It is
 * thread-safe and may be called for several requests at once; it never throws.
 */
public final class Session {
    private final ServerConfig config;
    private final String peer;
    private final FidTable fids = new FidTable();
    private volatile int msize;
    private final int maxMsize;
    private final AttachOps attach;
    private final WalkOps walk;
    private final FileOps file;
    private final DirOps dir;
    private final AttrOps attr;
    private final XattrOps xattr;
    private final LockOps lock;

    public Session(ServerConfig config, String peer) {
        this(config, peer, config.maxMsize());
    }

    /**
     * A session whose msize is also capped by its transport ({@code maxMsize}, e.g. what fits a
     * virtio device's memory), never above the server's own maximum.
     */
    public Session(ServerConfig config, String peer, int maxMsize) {
        if (maxMsize < 4096) {
            throw new IllegalArgumentException("maxMsize " + maxMsize + " (expected: >= 4096)");
        }
        this.config = config;
        this.peer = peer;
        this.maxMsize = Math.min(maxMsize, config.maxMsize());
        this.msize = this.maxMsize;
        this.attach = new AttachOps(this);
        this.walk = new WalkOps(this);
        this.file = new FileOps(this);
        this.dir = new DirOps(this);
        this.attr = new AttrOps(this);
        this.xattr = new XattrOps(this);
        this.lock = new LockOps(this);
    }

    /** The negotiated msize (the server's maximum before Tversion). */
    public int msize() {
        return msize;
    }

    /** The number of fids in use. */
    public int fidCount() {
        return fids.size();
    }

    ServerConfig config() {
        return config;
    }

    FidTable fids() {
        return fids;
    }

    String peer() {
        return peer;
    }

    /** Handles one request and returns its reply; every failure becomes an Rlerror. */
    public RMessage handle(TMessage request) {
        return handle(request, false, NEVER);
    }

    private static final BooleanSupplier NEVER = () -> false;
    private static final ThreadLocal<BooleanSupplier> CANCELLED = ThreadLocal.withInitial(() -> NEVER);

    /**
     * As {@link #handle(TMessage)}, for a connection. {@code sentAtOnce} promises that the reply
     * is encoded and sent by this thread before it handles anything else, so an Rread may carry a
     * view of a per-thread direct buffer: pread fills it and the socket writes it, with no copy in
     * Java. {@code cancelled} turns true when the client gives the request up (Tflush) or the
     * session ends; only handlers that wait look at it (a blocking Tlock), and the caller also
     * unparks the thread so that the wait notices at once.
     */
    public RMessage handle(TMessage request, boolean sentAtOnce, BooleanSupplier cancelled) {
        ScratchBuffers.enabled(sentAtOnce);
        CANCELLED.set(cancelled);
        try {
            return dispatch(request);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError v && !(t instanceof OutOfMemoryError)) {
                throw v;
            }
            return new Rlerror(Errors.errno(t, peer, request));
        } finally {
            CANCELLED.set(NEVER); // holds the request (a Twrite's data) otherwise
        }
    }

    private RMessage dispatch(TMessage request) {
        return switch (request) {
            case TMessage.Tversion m -> version(m);
            case TMessage.Tauth m -> new Rlerror(Errno.ENOENT); // no auth: diod's tools need ENOENT here
            case TMessage.Tattach m -> attach.attach(m);
            case TMessage.Tflush m -> new RMessage.Rflush(); // the connection implements flush semantics
            case TMessage.Twalk m -> walk.walk(m);
            case TMessage.Tlopen m -> file.lopen(m);
            case TMessage.Tlcreate m -> file.lcreate(m);
            case TMessage.Tread m -> file.read(m);
            case TMessage.Twrite m -> file.write(m);
            case TMessage.Tclunk m -> file.clunk(m);
            case TMessage.Tremove m -> file.remove(m);
            case TMessage.Tfsync m -> file.fsync(m);
            case TMessage.Tstatfs m -> attr.statfs(m);
            case TMessage.Tgetattr m -> attr.getattr(m);
            case TMessage.Tsetattr m -> attr.setattr(m);
            case TMessage.Treadlink m -> attr.readlink(m);
            case TMessage.Tsymlink m -> dir.symlink(m);
            case TMessage.Tmknod m -> dir.mknod(m);
            case TMessage.Tmkdir m -> dir.mkdir(m);
            case TMessage.Tlink m -> dir.link(m);
            case TMessage.Trename m -> dir.rename(m);
            case TMessage.Trenameat m -> dir.renameat(m);
            case TMessage.Tunlinkat m -> dir.unlinkat(m);
            case TMessage.Treaddir m -> dir.readdir(m);
            case TMessage.Txattrwalk m -> xattr.xattrwalk(m);
            case TMessage.Txattrcreate m -> xattr.xattrcreate(m);
            case TMessage.Tlock m -> lock.lock(m);
            case TMessage.Tgetlock m -> lock.getlock(m);
        };
    }

    /**
     * Tversion: negotiates msize and resets the session (every fid clunked). {@code 9P2000.L}
     * and {@code 9P2000.L.*} are answered {@code 9P2000.L}; anything else {@code unknown}.
     */
    public RMessage version(TMessage.Tversion v) {
        fids.clear();
        String asked = v.version().asString();
        long m = Math.min(Integer.toUnsignedLong(v.msize()), maxMsize);
        if (!asked.equals(MiscConstants.VERSION_9P2000_L) && !asked.startsWith(MiscConstants.VERSION_9P2000_L + ".")) {
            return new RMessage.Rversion((int) m, P9String.of(MiscConstants.VERSION_UNKNOWN));
        }
        if (m < 4096) {
            return new Rlerror(Errno.EINVAL);
        }
        msize = (int) m;
        return new RMessage.Rversion(msize, P9String.of(MiscConstants.VERSION_9P2000_L));
    }

    /** Clunks every fid and releases every host descriptor (connection closed). */
    public void reset() {
        fids.clear();
    }

    /** Whether the request this thread is handling has been given up by its client. */
    static boolean cancelled() {
        return CANCELLED.get().getAsBoolean();
    }

    /** The largest payload an Rread or Rreaddir may carry at the negotiated msize. */
    int maxPayload() {
        return msize - MiscConstants.HEADER_SIZE - 4;
    }
}

package io.hvl9p.protocol;

/**
 * The one exception the decoder throws for bytes that are not a valid 9P2000.L message.
 *
 * <p>It carries the message tag when the header was readable (so a server can still answer with
 * {@code Rlerror} on that tag) and the Linux errno a server should answer with.
 */
public final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Tag value used when the header could not be read. */
    public static final int NO_TAG = -1;

    private final int tag;
    private final int errno;

    public MalformedMessageException(int tag, int errno, String message) {
        super(message);
        this.tag = tag;
        this.errno = errno;
    }

    public MalformedMessageException(String message) {
        this(NO_TAG, Errno.EPROTO, message);
    }

    /** The tag of the message, or {@link #NO_TAG} when it was not known. */
    public int tag() {
        return tag;
    }

    /** Whether {@link #tag()} is a real tag. */
    public boolean hasTag() {
        return tag != NO_TAG;
    }

    /** The Linux errno a server answers with ({@code EPROTO}, {@code EINVAL} or {@code ENOENT}). */
    public int errno() {
        return errno;
    }

    /** A copy of this exception that knows the tag. */
    public MalformedMessageException withTag(int newTag) {
        MalformedMessageException e = new MalformedMessageException(newTag, errno, getMessage());
        e.setStackTrace(getStackTrace());
        return e;
    }
}

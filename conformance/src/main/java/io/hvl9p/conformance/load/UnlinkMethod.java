package io.hvl9p.conformance.load;

/** How the create-unlink workload removes its files: the server decides (9p2000L-wire.md, section 11). */
public enum UnlinkMethod {
    /** {@code Tunlinkat(dirfid, name, 0)}: one request. */
    UNLINKAT("Tunlinkat"),
    /** {@code Twalk(dirfid, newfid, [name])} + {@code Tremove(newfid)}, the Linux client's fallback on EOPNOTSUPP. */
    WALK_REMOVE("Twalk+Tremove");

    private final String label;

    UnlinkMethod(String label) {
        this.label = label;
    }

    /** The requests sent, for reports. */
    public String label() {
        return label;
    }
}

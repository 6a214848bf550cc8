package io.hvl9p.server.session;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.server.spi.BackendException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session's fids. Requests run in parallel, so a fid can be clunked while another request
 * uses it: each entry counts its users, and its resources are released when the last one leaves.
 */
final class FidTable {
    private final ConcurrentHashMap<Integer, Entry> fids = new ConcurrentHashMap<>();

    /** An entry: the current state and its users. */
    static final class Entry {
        private FidState state;
        private int users = 1; // the table's own reference
        private List<FidState> retired;
        private boolean removed;

        private Entry(FidState state) {
            this.state = state;
        }

        synchronized FidState state() {
            return state;
        }

        /**
         * Replaces the state if it is still {@code expected}; returns false otherwise (another
         * request changed the fid first). {@code retired}, if not null, is what the new state no
         * longer uses; it is released once no other request uses the fid.
         */
        synchronized boolean replace(FidState expected, FidState next, FidState retired) {
            if (state != expected || removed) {
                return false;
            }
            state = next;
            if (retired != null) {
                if (this.retired == null) {
                    this.retired = new ArrayList<>(1);
                }
                this.retired.add(retired);
            }
            return true;
        }

        private synchronized boolean enter() {
            if (removed) {
                return false;
            }
            users++;
            return true;
        }

        private void leave() {
            FidState toRelease = null;
            List<FidState> old = null;
            synchronized (this) {
                users--;
                if (users <= (removed ? 0 : 1) && retired != null) {
                    old = retired;
                    retired = null;
                }
                if (users == 0) {
                    toRelease = state;
                    state = null;
                }
            }
            if (old != null) {
                old.forEach(FidState::release);
            }
            if (toRelease != null) {
                toRelease.release();
            }
        }

        private void markRemoved() {
            synchronized (this) {
                if (removed) {
                    return;
                }
                removed = true;
            }
            leave();
        }
    }

    /** A use of a fid for the length of one request. */
    final class Lease implements AutoCloseable {
        final Entry entry;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        FidState state() {
            return entry.state();
        }

        boolean replace(FidState expected, FidState next, FidState retired) {
            return entry.replace(expected, next, retired);
        }

        @Override
        public void close() {
            entry.leave();
        }
    }

    boolean contains(Fid fid) {
        return fids.containsKey(fid.value());
    }

    int size() {
        return fids.size();
    }

    /** Uses an existing fid. */
    Lease use(Fid fid) {
        Entry e = fids.get(fid.value());
        if (e == null || !e.enter()) {
            throw new BackendException(Errno.EBADF, "fid " + fid + " unknown");
        }
        return new Lease(e);
    }

    /** Adds a new fid; EBADF if the number is NOFID, EINVAL if it is in use (the state is then released). */
    void add(Fid fid, FidState state) {
        if (fid.isNofid()) {
            state.release();
            throw new BackendException(Errno.EBADF, "fid NOFID");
        }
        if (fids.putIfAbsent(fid.value(), new Entry(state)) != null) {
            state.release();
            throw new BackendException(Errno.EINVAL, "fid " + fid + " already in use");
        }
    }

    /** Removes a fid from the table (Tclunk, Tremove); its resources go when the last user leaves. */
    void remove(Fid fid) {
        Entry e = fids.remove(fid.value());
        if (e == null) {
            throw new BackendException(Errno.EBADF, "fid " + fid + " unknown");
        }
        e.markRemoved();
    }

    /** Clunks every fid (Tversion, connection loss). */
    void clear() {
        List<Entry> all = new ArrayList<>(fids.values());
        fids.clear();
        for (Entry e : all) {
            e.markRemoved();
        }
    }
}

package io.hvl9p.server.session;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Twalk: nwname 0 clones (no qid); a walk that fails part way returns the qids of the steps that
 * worked and creates no fid; one that fails at the first step is an error.
 */
final class WalkOps extends Ops {
    WalkOps(Session session) {
        super(session);
    }

    RMessage walk(TMessage.Twalk w) {
        boolean inPlace = w.fid().equals(w.newfid());
        try (FidTable.Lease lease = use(w.fid())) {
            FidState.PathFid from = path(lease);
            if (inPlace && from.opened()) {
                throw new BackendException(Errno.EINVAL, "walk in place of an open fid");
            }
            if (!inPlace && session.fids().contains(w.newfid())) {
                throw new BackendException(Errno.EINVAL, "newfid " + w.newfid() + " in use");
            }
            List<Qid> qids = new ArrayList<>(w.names().size());
            Node at = from.node();
            // Whether this walk holds a reference on `at`: a step may return the very node it
            // started from ("." anywhere, ".." at the root), so identity cannot tell.
            boolean own = false;
            for (P9Name name : w.names()) {
                Node next;
                try {
                    next = at.walk(name);
                } catch (BackendException e) {
                    if (own) {
                        at.close();
                    }
                    if (qids.isEmpty()) {
                        throw e;
                    }
                    return new RMessage.Rwalk(qids);
                }
                if (own) {
                    at.close();
                }
                qids.add(next.qid());
                at = next;
                own = true;
            }
            // Every step worked: the last one's node, or for a clone (no names) a new reference.
            Node cur = own ? at : from.node().duplicate();
            FidState.PathFid target = new FidState.PathFid(cur, from.who(), from.export());
            if (inPlace) {
                if (!lease.replace(from, target, from)) {
                    target.release();
                    throw new BackendException(Errno.EBUSY, "fid changed by a concurrent request");
                }
            } else {
                session.fids().add(w.newfid(), target);
            }
            return new RMessage.Rwalk(qids);
        }
    }
}

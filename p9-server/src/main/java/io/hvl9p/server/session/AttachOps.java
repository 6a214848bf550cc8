package io.hvl9p.server.session;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import io.hvl9p.server.spi.Backend;
import io.hvl9p.server.spi.BackendException;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Node;
import java.util.Map;

/** Tattach: the aname selects an export by name (never a host path); the user becomes an identity. */
final class AttachOps extends Ops {
    AttachOps(Session session) {
        super(session);
    }

    RMessage attach(TMessage.Tattach a) {
        if (!a.afid().isNofid()) {
            throw new BackendException(Errno.EINVAL, "afid given but no authentication is offered");
        }
        String name = a.aname().asString();
        Map<String, Backend> exports = session.config().exports();
        Backend b;
        if (name.isEmpty() && exports.size() == 1) {
            b = exports.values().iterator().next();
            name = exports.keySet().iterator().next();
        } else {
            b = exports.get(name);
        }
        if (b == null) {
            throw new BackendException(Errno.ENOENT, "no export named " + a.aname());
        }
        Identity who = session.config().users().lookup(a.uname(), a.nUname());
        Node root = b.attach(who);
        Qid qid = root.qid(); // read before the fid owns the node (a concurrent clunk may close it)
        session.fids().add(a.fid(), new FidState.PathFid(root, who, name)); // releases it on failure
        return new RMessage.Rattach(qid);
    }
}

package io.hvl9p.conformance.load;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.P9Name;
import io.hvl9p.protocol.RMessage.Rclunk;
import io.hvl9p.protocol.RMessage.Rlcreate;
import io.hvl9p.protocol.RMessage.Rremove;
import io.hvl9p.protocol.RMessage.Runlinkat;
import io.hvl9p.protocol.RMessage.Rwalk;
import io.hvl9p.protocol.TMessage.Tclunk;
import io.hvl9p.protocol.TMessage.Tlcreate;
import io.hvl9p.protocol.TMessage.Tremove;
import io.hvl9p.protocol.TMessage.Tunlinkat;
import io.hvl9p.protocol.TMessage.Twalk;
import java.io.IOException;
import java.util.List;

/**
 * What the Linux client sends for {@code open(O_CREAT|O_EXCL); close; unlink} of a new name:
 * Twalk (clone), Tlcreate, Tclunk, then Tunlinkat, or Twalk + Tremove when a probe before the run
 * found the server answering Tunlinkat with EOPNOTSUPP (diod). One operation is the whole chain.
 */
final class CreateUnlinkWorkload implements Fixture {
    private final String prefix;
    private UnlinkMethod method;

    CreateUnlinkWorkload(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void setUp(Session control) throws IOException {
        method = control.probeUnlink(prefix + "probe");
    }

    @Override
    public Driver driver(int connection) {
        return new Churn(prefix + connection + "-");
    }

    @Override
    public LoadResult.Detail detail(List<Driver> drivers) {
        return new LoadResult.CreateUnlinkDetail(method);
    }

    @Override
    public void tearDown(Session control) {}

    private final class Churn implements Driver {
        private final String names;
        private Fid root;
        private int gid;

        Churn(String names) {
            this.names = names;
        }

        @Override
        public void setUp(Session session) {
            root = session.root();
            gid = session.gid();
        }

        @Override
        public void start(Op op, Pipeline p) throws IOException {
            Fid f = p.client().newFid();
            P9Name name = P9Name.of(names + op.seq);
            p.send(
                    new Twalk(root, f, List.of()),
                    Rwalk.class,
                    (w, t1) -> p.send(
                            new Tlcreate(
                                    f,
                                    name,
                                    OpenFlags.RDWR | OpenFlags.CREATE | OpenFlags.EXCL,
                                    Session.FILE_MODE,
                                    gid),
                            Rlcreate.class,
                            (c, t2) -> p.send(new Tclunk(f), Rclunk.class, (k, t3) -> unlink(op, p, name))));
        }

        private void unlink(Op op, Pipeline p, P9Name name) throws IOException {
            switch (method) {
                case UNLINKAT -> p.send(new Tunlinkat(root, name, 0), Runlinkat.class, (u, t) -> op.done(0, t));
                case WALK_REMOVE -> {
                    Fid g = p.client().newFid();
                    p.send(new Twalk(root, g, List.of(name)), Rwalk.class, (w, t1) -> {
                        if (w.qids().size() != 1) {
                            throw new IOException(
                                    "Twalk to " + name + " returned " + w.qids().size() + " qids");
                        }
                        p.send(new Tremove(g), Rremove.class, (r, t2) -> op.done(0, t2));
                    });
                }
            }
        }

        @Override
        public void tearDown(Session session) {}
    }
}

package io.hvl9p.conformance.load;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.RMessage.Rgetattr;
import io.hvl9p.protocol.TMessage.Tgetattr;
import java.io.IOException;
import java.util.List;

/** Tgetattr(BASIC) on one fid per connection, walked once to an empty file. */
final class GetattrWorkload implements Fixture {
    private final String name;
    private final boolean keep;

    GetattrWorkload(String name, boolean keep) {
        this.name = name;
        this.keep = keep;
    }

    @Override
    public void setUp(Session control) throws IOException {
        control.clunk(control.create(name, OpenFlags.RDWR | OpenFlags.CREATE | OpenFlags.TRUNC)
                .fid());
    }

    @Override
    public Driver driver(int connection) {
        return new Stat();
    }

    @Override
    public LoadResult.Detail detail(List<Driver> drivers) {
        return new LoadResult.GetattrDetail(name);
    }

    @Override
    public void tearDown(Session control) throws IOException {
        if (!keep) {
            control.removeFile(name);
        }
    }

    private final class Stat implements Driver {
        private Fid fid;

        @Override
        public void setUp(Session session) throws IOException {
            fid = session.walk(name);
        }

        @Override
        public void start(Op op, Pipeline pipeline) throws IOException {
            pipeline.send(new Tgetattr(fid, GetattrMask.BASIC), Rgetattr.class, (r, nanos) -> op.done(0, nanos));
        }

        @Override
        public void tearDown(Session session) throws IOException {
            session.clunk(fid);
        }
    }
}

package io.hvl9p.conformance.load;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.RMessage.Rwrite;
import io.hvl9p.protocol.TMessage.Twrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequential Twrites into a new file per connection, wrapping to offset 0 at the configured file
 * size so a long run does not fill the disk. Each driver remembers the highest offset the server
 * said it wrote: the size the file must have afterwards.
 */
final class WriteWorkload implements Fixture {
    private final String prefix;
    private final long size;
    private final boolean keep;
    private final List<String> created = new ArrayList<>();

    WriteWorkload(String prefix, long size, boolean keep) {
        this.prefix = prefix;
        this.size = size;
        this.keep = keep;
    }

    @Override
    public void setUp(Session control) {}

    @Override
    public Driver driver(int connection) {
        return new Writer(connection);
    }

    @Override
    public LoadResult.Detail detail(List<Driver> drivers) {
        List<LoadResult.WrittenFile> files = new ArrayList<>();
        for (Driver d : drivers) {
            Writer w = (Writer) d;
            files.add(new LoadResult.WrittenFile(w.name, w.end));
        }
        return new LoadResult.WriteDetail(files);
    }

    @Override
    public void tearDown(Session control) throws IOException {
        if (keep) {
            return;
        }
        synchronized (created) {
            for (String name : created) {
                control.removeFile(name);
            }
            created.clear();
        }
    }

    private final class Writer implements Driver {
        final String name;
        long end;
        private Fid fid;
        private int count;
        private ByteBuffer data;
        private long next;

        Writer(int connection) {
            this.name = prefix + connection;
        }

        @Override
        public void setUp(Session session) throws IOException {
            Session.Opened o = session.create(name, OpenFlags.RDWR | OpenFlags.CREATE | OpenFlags.TRUNC);
            synchronized (created) {
                created.add(name);
            }
            fid = o.fid();
            count = session.ioCount(o.iounit());
            data = Session.pattern(count);
        }

        @Override
        public int ioCount() {
            return count;
        }

        @Override
        public void start(Op op, Pipeline pipeline) throws IOException {
            long offset = next;
            int n = (int) Math.min(count, size - offset);
            next = offset + n >= size ? 0 : offset + n;
            pipeline.send(new Twrite(fid, offset, data.slice(0, n)), Rwrite.class, (r, nanos) -> {
                if (r.count() < 0 || r.count() > n) {
                    throw new IOException("Twrite of " + n + " bytes at " + offset + " answered count " + r.count());
                }
                end = Math.max(end, offset + r.count());
                op.done(r.count(), nanos);
            });
        }

        @Override
        public void tearDown(Session session) throws IOException {
            session.clunk(fid);
        }
    }
}

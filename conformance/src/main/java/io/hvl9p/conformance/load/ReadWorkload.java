package io.hvl9p.conformance.load;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.RMessage.Rread;
import io.hvl9p.protocol.TMessage.Tread;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequential Treads through one file the tool writes first, from offset 0 to its end and again;
 * never past the end, so every reply should carry exactly what was asked. Bytes are summed per
 * pass: a pass whose sum is not the file's size means a short read.
 */
final class ReadWorkload implements Fixture {
    private final String name;
    private final long size;
    private final boolean keep;

    ReadWorkload(String name, long size, boolean keep) {
        this.name = name;
        this.size = size;
        this.keep = keep;
    }

    @Override
    public void setUp(Session control) throws IOException {
        control.writeFile(name, size);
    }

    @Override
    public Driver driver(int connection) {
        return new Reader();
    }

    @Override
    public LoadResult.Detail detail(List<Driver> drivers) {
        List<Long> passes = new ArrayList<>();
        for (Driver d : drivers) {
            passes.addAll(((Reader) d).passes);
        }
        return new LoadResult.ReadDetail(name, size, passes);
    }

    @Override
    public void tearDown(Session control) throws IOException {
        if (!keep) {
            control.removeFile(name);
        }
    }

    /** One sequential pass over the file; complete when closed (all offsets sent) and all answered. */
    private static final class Pass {
        final boolean measured;
        long bytes;
        int outstanding;
        boolean closed;

        Pass(boolean measured) {
            this.measured = measured;
        }
    }

    private final class Reader implements Driver {
        final List<Long> passes = new ArrayList<>();
        private Fid fid;
        private int count;
        private long next;
        private Pass pass;

        @Override
        public void setUp(Session session) throws IOException {
            Session.Opened o = session.open(name, OpenFlags.RDONLY);
            fid = o.fid();
            count = session.ioCount(o.iounit());
        }

        @Override
        public int ioCount() {
            return count;
        }

        @Override
        public void start(Op op, Pipeline pipeline) throws IOException {
            if (pass == null || pass.closed) {
                pass = new Pass(op.measured);
            }
            Pass mine = pass;
            long offset = next;
            int n = (int) Math.min(count, size - offset);
            next += n;
            if (next >= size) {
                mine.closed = true;
                next = 0;
            }
            mine.outstanding++;
            pipeline.send(new Tread(fid, offset, n), Rread.class, (r, nanos) -> {
                int got = r.count();
                if (got > n) {
                    throw new IOException("Tread of " + n + " bytes at " + offset + " returned " + got);
                }
                mine.bytes += got;
                mine.outstanding--;
                if (mine.closed && mine.outstanding == 0 && mine.measured) {
                    passes.add(mine.bytes);
                }
                op.done(got, nanos);
            });
        }

        @Override
        public void tearDown(Session session) throws IOException {
            session.clunk(fid);
        }
    }
}

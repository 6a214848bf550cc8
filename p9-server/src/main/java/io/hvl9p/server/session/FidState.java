package io.hvl9p.server.session;

import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Node;
import io.hvl9p.server.spi.OpenFile;
import java.io.ByteArrayOutputStream;

/**
 * What a fid stands for. Path fids hold a node; opened fids also an open file; xattr fids hold
 * the value read (Txattrwalk) or being written (Txattrcreate).
 */
sealed interface FidState {
    /** Closes what the state holds; called once. */
    void release();

    /** A walked or attached fid, possibly opened. */
    record PathFid(Node node, OpenFile file, int openFlags, Identity who, String export) implements FidState {
        PathFid(Node node, Identity who, String export) {
            this(node, null, -1, who, export);
        }

        boolean opened() {
            return file != null;
        }

        PathFid withFile(OpenFile f, int flags) {
            return new PathFid(node, f, flags, who, export);
        }

        @Override
        public void release() {
            try {
                if (file != null) {
                    file.close();
                }
            } finally {
                node.close();
            }
        }
    }

    /** Txattrwalk's result: the value (or the NUL-separated list of names) to be read. */
    record XattrRead(byte[] value) implements FidState {
        @Override
        public void release() {}
    }

    /** Txattrcreate's fid: Twrite fills the buffer, Tclunk commits it. */
    final class XattrWrite implements FidState {
        final Node node;
        final byte[] name;
        final long size;
        final int flags;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        XattrWrite(Node node, byte[] name, long size, int flags) {
            this.node = node;
            this.name = name;
            this.size = size;
            this.flags = flags;
        }

        @Override
        public void release() {
            node.close();
        }
    }
}

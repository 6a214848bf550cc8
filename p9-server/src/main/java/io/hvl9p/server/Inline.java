package io.hvl9p.server;

import io.hvl9p.protocol.TMessage;

/**
 * Which requests may run on a connection's reader thread when it is idle: operations that never
 * wait on anything but the file system, reads and writes included (a sequential reader has one
 * request in flight, and the hand-off to a worker costs more than copying 64 KiB). Fsync, locks
 * (which may wait) and xattr writes go to the workers. A request that runs inline longer than
 * {@link Connection#INLINE_STALL} loses the reader role, so a slow one never stalls the session.
 */
final class Inline {
    private Inline() {}

    static boolean allowed(TMessage m) {
        return switch (m) {
            case TMessage.Tgetattr x -> true;
            case TMessage.Tread x -> true;
            case TMessage.Twrite x -> true;
            case TMessage.Twalk x -> true;
            case TMessage.Tclunk x -> true;
            case TMessage.Tattach x -> true;
            case TMessage.Tlopen x -> true;
            case TMessage.Tstatfs x -> true;
            case TMessage.Treadlink x -> true;
            case TMessage.Txattrwalk x -> true;
            case TMessage.Tgetlock x -> true;
            case TMessage.Tmkdir x -> true;
            case TMessage.Tunlinkat x -> true;
            case TMessage.Tlcreate x -> true;
            case TMessage.Trenameat x -> true;
            case TMessage.Tsymlink x -> true;
            case TMessage.Tsetattr x -> (x.valid() & io.hvl9p.protocol.SetattrValid.SIZE) == 0;
            default -> false;
        };
    }
}

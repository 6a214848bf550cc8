package io.hvl9p.server.spi;

/** The answer to Tgetlock: the first conflicting lock, or {@code type == UNLCK} when none conflicts. */
public record LockResult(int type, long start, long length, int procId, byte[] clientId) {
    public LockResult {
        clientId = clientId.clone();
    }

    @Override
    public byte[] clientId() {
        return clientId.clone();
    }
}

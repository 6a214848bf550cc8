/**
 * The backend contract suite: every 9P2000.L request, sent by the project's client over a real
 * Unix socket to a {@link io.hvl9p.server.Server} serving a temporary directory, and every answer
 * compared with what the host reports about that directory (java.nio.file's {@code unix:*}
 * attributes, {@code stat}, {@code /proc/locks}).
 *
 * <p>Each test class extends {@link io.hvl9p.server.contract.ContractTest} and so runs once per
 * row of {@link io.hvl9p.server.contract.BackendUnderTest#all()}. After every test the fixture
 * checks for leaks: it clunks the fids the client still holds, then the server must hold none;
 * once the client connections are closed the JVM's descriptors must come back to what they were
 * before the connections, and once the servers are closed to what they were before the servers.
 */
package io.hvl9p.server.contract;

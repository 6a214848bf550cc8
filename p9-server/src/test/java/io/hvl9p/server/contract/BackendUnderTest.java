package io.hvl9p.server.contract;

import io.hvl9p.server.linux.LinuxBackend;
import io.hvl9p.server.spi.Backend;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One row of the contract's backend table: how to serve a host directory, and what the backend
 * promises beyond the protocol. Every contract test class runs once per row; a new backend or
 * decorator joins the suite by adding a row to {@link #all()}.
 *
 * @param name shown in the test names
 * @param open a backend serving the directory (closed by the server)
 * @param qidPathIsInode whether qid.path is the host's inode number (the Linux backend on one file
 *     system: the export root's device keeps its inode numbers)
 */
record BackendUnderTest(String name, Function<Path, Backend> open, boolean qidPathIsInode) {
    static Stream<BackendUnderTest> all() {
        return Stream.of(
                new BackendUnderTest("linux", p -> LinuxBackend.open(p, LinuxBackend.Options.defaults()), true));
    }

    @Override
    public String toString() {
        return name;
    }
}

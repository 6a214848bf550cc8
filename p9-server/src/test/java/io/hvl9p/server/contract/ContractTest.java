package io.hvl9p.server.contract;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The base of every contract test class: runs the class once per backend of {@link
 * BackendUnderTest#all()}, serves a fresh temporary directory as the export "main" for each test,
 * gives the test a client attached to it as root, and runs the leak check after it.
 */
@ParameterizedClass(name = "[{0}]")
@MethodSource("io.hvl9p.server.contract.BackendUnderTest#all")
abstract class ContractTest {
    @Parameter
    BackendUnderTest backend;

    /** The served directory, as the host sees it. */
    @TempDir
    Path export;

    @TempDir
    Path sockets;

    ContractFixture fx;

    /** A client of the main server, attached as root to the export. */
    TestClient c;

    @BeforeEach
    final void startServer() {
        fx = ContractFixture.start(backend, export, sockets);
        c = fx.client();
    }

    @AfterEach
    final void checkLeaks() {
        fx.closeAndCheckLeaks();
    }

    /** A path in the export, as the host sees it. */
    Path host(String relative) {
        return export.resolve(relative);
    }
}

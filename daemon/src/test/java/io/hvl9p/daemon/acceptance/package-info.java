/**
 * Acceptance tests: real clients against a real server process, all tagged {@code slow}.
 *
 * <p>{@link io.hvl9p.daemon.acceptance.LinuxClientTest} boots the Linux kernel's 9p client in a
 * QEMU guest ({@code ../shared/linux-client}) and runs {@code smoke.sh} and the scripts of {@code
 * tests/guest/} against the server; {@link io.hvl9p.daemon.acceptance.DiodToolsTest} compares what
 * diod's own tools ({@code diodls}, {@code diodcat}) get from the server with what they get from
 * diod on the same directory.
 *
 * <p>The server under test is pluggable ({@link io.hvl9p.daemon.acceptance.ServerUnderTest}):
 * {@code hvl9p serve} by default, diod with {@code -Dhvl9p.acceptance.server=diod}, which is how
 * the tests themselves are checked. Every server runs as a separate process on a fresh export
 * directory and is stopped after the run; a run leaves the export directory empty.
 *
 * <p>Missing prerequisites (QEMU, the harness, diod, a C compiler) fail the tests with a message
 * that says what to install, unless {@code HVL9P_SKIP_LINUX_CLIENT=1} (or {@code
 * HVL9P_SKIP_DIOD_TOOLS=1} for the diod tools test) is set in the environment.
 */
package io.hvl9p.daemon.acceptance;

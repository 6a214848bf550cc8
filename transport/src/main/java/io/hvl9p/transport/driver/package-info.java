/**
 * The front-end (driver) role in Java (hvl-transport.md section 7): what an OpenAMP runtime does
 * against the back-end, followed exactly (sections 3 and 3a) so that tests and the demo prove
 * compatibility rather than convenience. Used by tests, the demo's runtime simulator and {@link
 * io.hvl9p.transport.driver.FrontEndMain}, a separate process that probes a pool.
 *
 * <ul>
 *   <li>{@link io.hvl9p.transport.driver.FrontEnd}: attach to a pool's devices (headers found from
 *       the FDT or by scanning the packed header area), the interrupt thread (section 3a.6).
 *   <li>{@link io.hvl9p.transport.driver.DriverDevice}: the register sequence of section 3,
 *       including the QueuePFN acknowledgement, and reset.
 *   <li>{@link io.hvl9p.transport.driver.DriverQueue}: the driver half of a legacy split ring;
 *       submit, take, and a request/response {@code call} through device memory.
 *   <li>{@link io.hvl9p.transport.driver.DeviceMemory}: the allocator of the SHMBase/SHMLen area in
 *       which every ring and buffer lives.
 * </ul>
 *
 * <p>Invariants: rings and call buffers always lie inside the device memory the device reports;
 * everything the device writes is validated (the device is untrusted from this side too); no 9P
 * knowledge.
 */
package io.hvl9p.transport.driver;

/**
 * Doorbells: the two notification directions of a pool (hvl-transport.md section 5), kick in
 * (front-end to Linux) and interrupt out (Linux to front-end), behind {@link
 * io.hvl9p.transport.doorbell.Doorbell} (back-end side) and {@link
 * io.hvl9p.transport.doorbell.DriverDoorbell} (front-end side, for the driver-side simulator).
 *
 * <p>Implemented, chosen by a spec string through {@link io.hvl9p.transport.doorbell.Doorbells}:
 *
 * <ul>
 *   <li>{@code fifo:PATH}: {@link io.hvl9p.transport.doorbell.FifoDoorbell} creates the named
 *       pipes {@code PATH.kick} and {@code PATH.irq} and opens both {@code O_RDWR|O_NONBLOCK}
 *       (section 3a.11); {@link io.hvl9p.transport.doorbell.FifoDriverDoorbell} attaches to them.
 *       Tested in one JVM and across two processes.
 *   <li>{@code poll[:INTERVAL]}: {@link io.hvl9p.transport.doorbell.PollDoorbell} and {@link
 *       io.hvl9p.transport.doorbell.PollDriverDoorbell}, no notifications at all. Tested.
 *   <li>{@code umb:DEVICE}: {@link io.hvl9p.transport.doorbell.UmbDoorbell}, a mailbox character
 *       device. <strong>Not tested against a real device</strong>; a FIFO stands in for the
 *       mechanics.
 *   <li>{@code uio:/dev/uioN,irq-map=M,irq-offset=0xOFF,irq-value=V}: {@link
 *       io.hvl9p.transport.doorbell.UioDoorbell}. <strong>Not tested against a real
 *       device</strong>; the option checks and the register store (on a regular file standing in
 *       for the map) are.
 * </ul>
 *
 * <p>Invariants: kicks and interrupts coalesce and carry no meaning (section 3a.3), so a wait
 * consumes everything pending; {@code interrupt} and {@code kick} never block (a full pipe already
 * holds a notification); {@code wakeup} may be called from any thread and is kept until the next
 * wait; no sleeps on the notification path. Every wait is a {@code ppoll} over the doorbell's
 * descriptor and an {@code eventfd}; waiting threads block in native code, so they should be
 * platform threads. No descriptor is closed while another thread is using it (package-private
 * {@code Bell}). The system calls go through the package-private FFM class {@code Native}, one
 * method per call, errno captured, {@code EINTR} retried.
 */
package io.hvl9p.transport.doorbell;

/**
 * The daemon's auxiliary runtimes: one {@link io.hvl9p.daemon.runtime.RuntimeHost} per runtime wires
 * a pool, its layout, its doorbell and its devices (a virtio-9p device per export, each on a server
 * that holds only that export, and a console), and the runtime simulator that plays the runtime's
 * part in the demo and the tests ({@link io.hvl9p.daemon.runtime.RuntimeSim}).
 */
package io.hvl9p.daemon.runtime;

/**
 * The Linux backend: host directories served through system calls made with the FFM API
 * ({@code io.hvl9p.server.linux.sys}). See {@link io.hvl9p.server.linux.LinuxBackend} for how
 * confinement to the export is guaranteed.
 */
package io.hvl9p.server.linux;

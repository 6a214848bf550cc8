/**
 * The one small package of native calls: Linux system calls through the JDK's foreign function API
 * ({@code java.lang.foreign}), no JNI and no libraries.
 *
 * <p>Everything above this package talks to the host file system through {@link
 * io.hvl9p.server.linux.sys.Sys}; nothing else in the server builds a downcall handle. The invariants
 * every wrapper keeps:
 *
 * <ul>
 *   <li><b>One method per system call.</b> A wrapper does what the call does and nothing more: no
 *       caching, no fallbacks to other calls, no policy. The only loops are retries on {@code EINTR}
 *       and growing an output buffer that was too small ({@code readlinkat}, {@code getpwnam_r},
 *       {@code getgrouplist}).
 *   <li><b>errno is captured on every call</b> with {@code Linker.Option.captureCallState("errno")}
 *       into per-call memory, so no other code (the JVM included) can overwrite it between the call
 *       and the check.
 *   <li><b>Failures are one unchecked type</b>, {@link io.hvl9p.server.linux.sys.SysException}, which
 *       carries the Linux errno number and names the call and its main argument.
 *   <li><b>{@code EINTR} is retried inside the wrapper</b>; callers never see it. The exception is
 *       {@code close}, which must not be retried on Linux (the descriptor is gone even when it
 *       reports {@code EINTR}, and a retry could close a descriptor another thread just got).
 *   <li><b>Method handles are {@code static final}</b>, built once when the class initialises.
 *   <li><b>Names and paths are {@code byte[]}</b>: Linux names are bytes, not characters. The wrapper
 *       appends the terminating NUL in memory of a confined {@link java.lang.foreign.Arena} opened
 *       for that one call, so the wrappers are safe to call from any number of threads at once. A
 *       name that itself contains a NUL byte fails with {@code EINVAL} instead of being silently cut.
 *   <li><b>File descriptors are plain {@code int}s</b>; ownership is the caller's business.
 *   <li><b>{@code pread}, {@code pwrite} and {@code getdents64} are linked as critical functions
 *       with heap access</b>, so heap {@link java.nio.ByteBuffer}s are passed to the kernel without
 *       a copy. All other calls copy heap buffers through native memory.
 *   <li><b>Constants are Linux's, for the host architecture</b> (amd64 or aarch64, from {@code
 *       os.arch}): open flags in {@link io.hvl9p.server.linux.sys.HostFlags}, the rest in {@link
 *       io.hvl9p.server.linux.sys.LinuxConstants}. Any other architecture fails class initialisation.
 *   <li><b>Credentials are per OS thread.</b> {@code setfsuid}, {@code setfsgid} and {@code
 *       setgroupsThread} are raw system calls that change only the calling kernel task (glibc's
 *       wrappers for {@code setgroups}/{@code setuid} would change every thread). They refuse to run
 *       on a virtual thread, whose carrier thread could change under it.
 * </ul>
 *
 * <p>Running this code needs native access: {@code --enable-native-access=io.hvl9p.server} on the
 * module path, {@code ALL-UNNAMED} on the class path.
 */
package io.hvl9p.server.linux.sys;

/**
 * The transport's native calls (architecture.md section 3): one class, one method per system call
 * through FFM downcalls, errno captured on every call. Used by the pools (open, mmap, munmap) and
 * the doorbells (read, write, mkfifo, ppoll, eventfd, UIO maps). Internal: not exported.
 */
package io.hvl9p.transport.sys;

/**
 * The 9P2000.L server: sessions, the fid table, dispatch, the backend SPI, the Linux backend, and 9P over TCP/Unix sockets ({@code net}). There is no caching layer yet.
 */
package io.hvl9p.server;

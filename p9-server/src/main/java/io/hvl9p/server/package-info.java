/**
 * The 9P2000.L server: sessions, the fid table, dispatch, the backend SPI, the Linux backend, the cache and 9P over TCP/Unix sockets. Not implemented yet (issue 3); this module holds only its version marker.
 */
package io.hvl9p.server;

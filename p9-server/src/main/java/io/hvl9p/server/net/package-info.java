/**
 * 9P over stream sockets (TCP and Unix-domain): one reader thread per connection splits the
 * stream into frames and hands them to its {@link io.hvl9p.server.Connection}; replies are written
 * whole under a lock, with gathering writes so Rread data is not copied again.
 */
package io.hvl9p.server.net;

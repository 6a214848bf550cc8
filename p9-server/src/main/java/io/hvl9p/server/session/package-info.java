/**
 * One 9P2000.L session: the fid table, the exhaustive dispatch over the sealed request types and
 * the handlers, grouped by concern (attach, walk, file I/O, directories, attributes, xattrs,
 * locks). Handlers act through the backend SPI only; {@link io.hvl9p.server.session.Errors} is
 * the one place that turns exceptions into errno values.
 *
 * <p>Invariants: a fid's resources are closed exactly once, when it is clunked (or the session
 * reset) and no request still uses it; a failed walk creates no fid; nothing a client sends can
 * make a handler throw out of {@link io.hvl9p.server.session.Session#handle}.
 */
package io.hvl9p.server.session;

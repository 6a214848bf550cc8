/**
 * The daemon's configuration file (issue 5, docs/exports.md): a small TOML reader ({@link
 * io.hvl9p.exports.config.Toml}) and the schema that turns a file into a validated, immutable
 * {@link io.hvl9p.exports.config.DaemonConfig} ({@link io.hvl9p.exports.config.ConfigLoader}),
 * reporting every problem as {@code FILE:LINE: what (expected: ...)}.
 */
package io.hvl9p.exports.config;

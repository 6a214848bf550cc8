/**
 * The hvl9p command line: configuration to wiring; the only main().
 */
package io.hvl9p.daemon;

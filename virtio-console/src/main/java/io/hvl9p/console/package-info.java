/**
 * The virtio-console device and its sinks and sources. Not implemented yet (issue 4).
 */
package io.hvl9p.console;

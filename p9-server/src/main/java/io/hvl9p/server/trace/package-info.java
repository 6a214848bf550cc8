/** One-line text renderings of 9P messages for {@code --trace}. */
package io.hvl9p.server.trace;

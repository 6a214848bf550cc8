/**
 * Export policies: which runtime sees which directory, how and as whom. Not implemented yet (issue 5).
 */
package io.hvl9p.exports;

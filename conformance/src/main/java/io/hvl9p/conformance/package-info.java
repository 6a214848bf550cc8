/**
 * The 9P2000.L conformance suite, its runner and reports, and the load generator. Not implemented yet.
 */
package io.hvl9p.conformance;

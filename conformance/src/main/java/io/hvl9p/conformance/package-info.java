/**
 * The 9P2000.L conformance suite, its runner and reports, and the load generator. Implemented: the load generator ({@code load}); the runnable conformance suite is not written yet (the contract suite lives in the tests of p9-server).
 */
package io.hvl9p.conformance;

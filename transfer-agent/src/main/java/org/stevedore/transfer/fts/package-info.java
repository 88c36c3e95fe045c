/**
 * The FTS3 transfer tool: a REST client faithful to {@code shared/reference/fts3-rest.md} (deterministic job ids,
 * bulk polling, {@code /archive}, X509 proxy delegation or bearer tokens), plus, in {@code emulator}, an in-process
 * emulator of the same REST subset for tests and benchmarks.
 */
package org.stevedore.transfer.fts;

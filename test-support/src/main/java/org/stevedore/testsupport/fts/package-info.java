/**
 * An <b>emulator</b> of the FTS3 REST server, not a transfer tool: it moves no bytes. Tests of this and other
 * modules, and the benchmark, start it in-process to drive the real {@code Fts3Client} end to end.
 */
package org.stevedore.testsupport.fts;

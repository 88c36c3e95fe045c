/**
 * The transfer-tool abstraction: what the submitter and poller need from whatever moves the bytes (FTS3, or the
 * local copier of the embedded default). Everything is bulk because the real tool is remote and per-file round
 * trips do not scale.
 */
package org.stevedore.transfer.tool;

/**
 * The local transfer tool's engine: in-process copies between {@code file} PFNs with bounded concurrency, adler32
 * verification and atomic placement. The transfer-tool adapter wraps {@link org.stevedore.transfer.local.LocalCopier}.
 */
package org.stevedore.transfer.local;

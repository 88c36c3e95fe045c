package org.stevedore.tape.emulator;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Work for a drive on one cartridge: recall a file to the buffer (for the request entries waiting on it; several
 * requests for one file share one recall) or migrate a written file to tape. Guarded by the emulator.
 */
final class TapeJob {

    final TapeFile file;
    final boolean write;
    final Set<EmulatedRequest.Entry> waiters = new LinkedHashSet<>();

    TapeJob(TapeFile file, boolean write) {
        this.file = file;
        this.write = write;
    }
}

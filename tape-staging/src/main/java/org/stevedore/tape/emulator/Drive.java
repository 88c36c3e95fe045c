package org.stevedore.tape.emulator;

import java.time.Instant;

/** One emulated drive: what it holds and until when it is busy. Guarded by the emulator. */
final class Drive {

    enum Activity { IDLE, MOUNTING, READING, WRITING }

    final int index;
    /** The cartridge in the drive (or being mounted), null when empty. */
    String tape;
    Activity activity = Activity.IDLE;
    Instant busyUntil;
    TapeJob job;
    /** The last file streamed from the cartridge: the next one is the following path, so the tape moves forward. */
    String lastPath;

    Drive(int index) {
        this.index = index;
    }

    boolean idle() {
        return activity == Activity.IDLE;
    }
}

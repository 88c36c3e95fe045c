package org.stevedore.tape.emulator;

/** A file the emulated library knows: its cartridge, whether its tape copy exists, whether it was lost. */
final class TapeFile {

    final String path;
    final long size;
    final String tape;
    boolean onTape;
    boolean lost;

    TapeFile(String path, long size, String tape, boolean onTape) {
        this.path = path;
        this.size = size;
        this.tape = tape;
        this.onTape = onTape;
    }
}

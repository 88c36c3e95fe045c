package org.stevedore.tape.campaign;

/** At most {@code files} files and {@code bytes} bytes in flight (requested from tape, not yet staged or failed). */
public record Window(long files, long bytes) {

    public Window {
        if (files < 1 || bytes < 1) {
            throw new IllegalArgumentException("a window must allow at least one file and one byte, got " + files
                    + " files and " + bytes + " bytes");
        }
    }
}

package org.stevedore.tape.endpoint;

/** Where a file lives on a tape system, as {@code archiveinfo} reports it. */
public enum Locality {
    DISK, TAPE, DISK_AND_TAPE, LOST, NONE, UNAVAILABLE;

    public boolean onTape() {
        return this == TAPE || this == DISK_AND_TAPE;
    }
}

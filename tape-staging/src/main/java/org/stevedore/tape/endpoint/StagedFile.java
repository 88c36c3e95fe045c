package org.stevedore.tape.endpoint;

/**
 * A file's progress within a stage request.
 *
 * @param onDisk true once the file is on the disk buffer; wins over {@code state} (endpoints differ on when they
 *               report COMPLETED)
 * @param error  the endpoint's reason when the file failed, else null
 */
public record StagedFile(String path, boolean onDisk, StageState state, String error) {

    /** Staged: on disk, whatever the state says. */
    public boolean staged() {
        return onDisk;
    }

    public boolean failed() {
        return !onDisk && (state == StageState.FAILED || state == StageState.CANCELLED);
    }
}

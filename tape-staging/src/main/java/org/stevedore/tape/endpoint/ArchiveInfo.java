package org.stevedore.tape.endpoint;

/** One file's locality; {@code error} is the endpoint's reason when it could not tell, else null. */
public record ArchiveInfo(String path, Locality locality, String error) {

    /** On tape: the locality holds TAPE ({@code TAPE}, {@code DISK_AND_TAPE}), what archive confirmation waits for. */
    public boolean archived() {
        return locality.onTape();
    }

    /**
     * Why the file will not reach tape from this copy: the endpoint does not know it (a per-file error), it is LOST,
     * or it is nowhere (NONE); null while it is only waiting (DISK, UNAVAILABLE) or archived.
     */
    public String failure() {
        if (archived()) {
            return null;
        }
        if (locality == Locality.LOST) {
            return error != null ? error : "the tape system reports the file LOST";
        }
        if (error != null) {
            return error;
        }
        return locality == Locality.NONE ? "the tape system has no copy of the file (locality NONE)" : null;
    }
}

package org.stevedore.transfer.archive;

import java.util.List;
import java.util.Map;

/**
 * The tape systems behind TAPE RSEs, as archive confirmation needs them: whether an RSE's tape system can say that a
 * written file is on tape, and what it says ({@code POST /archiveinfo} of the WLCG Tape REST API, or the emulator).
 * Implemented above this module over the RSEs' tape endpoints; {@link #NONE} when there are none.
 */
public interface TapeArchives {

    /**
     * One file as the tape system reports it: on tape (its locality holds TAPE), or not yet (DISK only), or an
     * {@code error} (the endpoint does not know the file, or it is LOST): the copy did not make it to tape.
     */
    record Archive(boolean onTape, String error) {
    }

    TapeArchives NONE = new TapeArchives() {
        @Override
        public boolean confirms(String rse) {
            return false;
        }

        @Override
        public Map<String, Archive> archiveInfo(String rse, List<String> paths) {
            throw new IllegalStateException("no tape endpoint serves " + rse);
        }
    };

    /** Whether the RSE's tape system is asked before a copy written there counts as on tape. */
    boolean confirms(String rse);

    /**
     * The archive state of replica paths on the RSE, by path (a path the answer lacks is not yet known to be on tape).
     *
     * @throws RuntimeException when the endpoint cannot answer (down, refusing): nothing is concluded from it
     */
    Map<String, Archive> archiveInfo(String rse, List<String> paths);
}

package org.stevedore.transfer.local;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The tape endpoints behind TAPE source RSEs, as the in-process copier needs them: a copy from tape must not read the
 * cartridge directly but stage the file (mount time and all), wait until it is online, copy it from the disk buffer
 * and release the pin, as FTS does with {@code bring_online}. Implemented above this module, over the RSEs' tape
 * endpoints (the emulator or a WLCG Tape REST client); {@link #NONE} when there are none.
 */
public interface TapeSources {

    /** Where one source file is: still recalling (online false, no error), online (read it from readFrom), failed. */
    record Recall(boolean online, String readFrom, String error) {

        public static Recall recalling() {
            return new Recall(false, null, null);
        }
    }

    TapeSources NONE = new TapeSources() {
        @Override
        public boolean stagesFrom(String rse) {
            return false;
        }

        @Override
        public String stage(String rse, List<String> pfns, Duration pinLifetime) {
            throw new IllegalStateException("no tape endpoint serves " + rse);
        }

        @Override
        public Map<String, Recall> status(String rse, String requestId) {
            throw new IllegalStateException("no tape endpoint serves " + rse);
        }

        @Override
        public void release(String rse, String requestId, List<String> pfns) {
        }
    };

    /** Whether a tape endpoint serves the RSE, so its files are staged before they are copied. */
    boolean stagesFrom(String rse);

    /** Asks the RSE's tape endpoint to bring the files (source PFNs) online; answers its request id. */
    String stage(String rse, List<String> pfns, Duration pinLifetime);

    /** The recall state of each file of the request, by source PFN. */
    Map<String, Recall> status(String rse, String requestId);

    /** Drops the request's pin on the files once copied (or failed). */
    void release(String rse, String requestId, List<String> pfns);
}

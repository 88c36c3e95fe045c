package org.stevedore.web.config.transfer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.tape.endpoint.ArchiveInfo;
import org.stevedore.tape.endpoint.Locality;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.transfer.archive.TapeArchives;

/**
 * Archive confirmation over the RSEs' tape endpoints (the emulator or a WLCG Tape REST client): replica paths are
 * what the endpoints take. Locality TAPE or DISK_AND_TAPE is on tape; DISK (or UNAVAILABLE) not yet; LOST, or a
 * per-file error (the endpoint does not know the file), is a copy that did not make it.
 */
final class TapeEndpointArchives implements TapeArchives {

    private final TapeEndpoints endpoints;

    TapeEndpointArchives(TapeEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public boolean confirms(String rse) {
        return endpoints.forRse(rse).isPresent();
    }

    @Override
    public Map<String, Archive> archiveInfo(String rse, List<String> paths) {
        TapeEndpoint endpoint = endpoints.forRse(rse)
                .orElseThrow(() -> new IllegalStateException("no tape endpoint serves " + rse));
        Map<String, Archive> out = new HashMap<>();
        for (ArchiveInfo a : endpoint.archiveInfo(paths)) {
            out.put(a.path(), archive(a));
        }
        return out;
    }

    static Archive archive(ArchiveInfo a) {
        if (a.locality().onTape()) {
            return new Archive(true, null);
        }
        if (a.locality() == Locality.LOST) {
            return new Archive(false, a.error() != null ? a.error() : "the tape system reports the file LOST");
        }
        if (a.error() != null) {
            return new Archive(false, a.error());
        }
        if (a.locality() == Locality.NONE) {
            return new Archive(false, "the tape system has no copy of the file (locality NONE)");
        }
        return new Archive(false, null);
    }
}

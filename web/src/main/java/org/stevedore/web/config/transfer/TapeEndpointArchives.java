package org.stevedore.web.config.transfer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.tape.endpoint.ArchiveInfo;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.transfer.archive.TapeArchives;

/**
 * Archive confirmation over the RSEs' tape endpoints (the emulator or a WLCG Tape REST client): replica paths are
 * what the endpoints take; what a locality means is {@link ArchiveInfo#archived()} and {@link ArchiveInfo#failure()}.
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
        return new Archive(a.archived(), a.failure());
    }
}

package org.stevedore.web.config.transfer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.tape.campaign.LocalTape;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StagedFile;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.transfer.local.TapeSources;
import org.stevedore.transfer.storage.FilePfn;

/**
 * The in-process copier's view of the RSEs' tape endpoints: a source PFN becomes the replica path under the RSE
 * protocol that made it (what the endpoints take), and back. A file online on the emulated tape is read from the
 * emulator's disk buffer, not from its cartridge directory; on any other endpoint, from its own PFN (a tape system
 * serves the online copy under the same name).
 */
final class TapeEndpointSources implements TapeSources {

    private final TapeEndpoints endpoints;
    private final RseProtocolStore protocols;
    /** The PFN each staged replica path was asked for under, by "rse|path", until released. */
    private final Map<String, String> pfns = new ConcurrentHashMap<>();

    TapeEndpointSources(TapeEndpoints endpoints, RseProtocolStore protocols) {
        this.endpoints = endpoints;
        this.protocols = protocols;
    }

    @Override
    public boolean stagesFrom(String rse) {
        return endpoints.forRse(rse).isPresent();
    }

    @Override
    public String stage(String rse, List<String> pfns, Duration pinLifetime) {
        TapeEndpoint endpoint = endpoint(rse);
        List<StageFile> files = pfns.stream().map(p -> {
            String path = path(rse, p);
            this.pfns.put(rse + "|" + path, p);
            return new StageFile(path, pinLifetime);
        }).toList();
        return endpoint.stage(files);
    }

    @Override
    public Map<String, Recall> status(String rse, String requestId) {
        TapeEndpoint endpoint = endpoint(rse);
        Map<String, Recall> out = new HashMap<>();
        for (StagedFile f : endpoint.status(requestId).files()) {
            String pfn = pfn(rse, f.path());
            if (f.staged()) {
                out.put(pfn, new Recall(true, readFrom(endpoint, f.path()).orElse(pfn), null));
            } else if (f.failed()) {
                out.put(pfn, new Recall(false, null, f.error() != null ? f.error() : f.state().name()));
            } else {
                out.put(pfn, Recall.recalling());
            }
        }
        return out;
    }

    @Override
    public void release(String rse, String requestId, List<String> pfns) {
        List<String> paths = pfns.stream().map(p -> path(rse, p)).toList();
        endpoint(rse).release(requestId, paths);
        paths.forEach(p -> this.pfns.remove(rse + "|" + p));
    }

    private TapeEndpoint endpoint(String rse) {
        return endpoints.forRse(rse).orElseThrow(() -> new IllegalStateException("no tape endpoint serves " + rse));
    }

    private static Optional<String> readFrom(TapeEndpoint endpoint, String path) {
        if (endpoint instanceof LocalTape local) {
            return local.emulator().bufferFile("/" + path).map(FilePfn::of);
        }
        return Optional.empty();
    }

    /** The replica path of a PFN under one of the RSE's protocols. */
    private String path(String rse, String pfn) {
        for (RseProtocol p : protocols.list(rse)) {
            String root = Lfn2Pfn.pfn(p, "");
            if (pfn.startsWith(root)) {
                return pfn.substring(root.length());
            }
        }
        throw new IllegalStateException("PFN " + pfn + " is under no protocol of " + rse);
    }

    private String pfn(String rse, String path) {
        String asked = pfns.get(rse + "|" + path);
        if (asked != null) {
            return asked;
        }
        List<RseProtocol> list = protocols.list(rse);
        return list.isEmpty() ? path : Lfn2Pfn.pfn(list.get(0), path);
    }
}

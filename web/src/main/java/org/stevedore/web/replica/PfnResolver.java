package org.stevedore.web.replica;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;

/**
 * Turns a replica's stored path into the PFNs clients read it by: one per readable (WAN) protocol of its RSE, best
 * priority first. Protocols are loaded once per RSE per listing, not per file.
 */
@Component
public class PfnResolver {

    /** A PFN and the read priority of its protocol (1 = preferred). */
    public record Pfn(String url, int priority) {
    }

    private final RseProtocolStore protocols;

    public PfnResolver(RseProtocolStore protocols) {
        this.protocols = protocols;
    }

    /** A resolver for one listing; {@code schemes} (may be null) restricts which protocols are used. */
    public Session session(List<String> schemes) {
        return new Session(schemes == null || schemes.isEmpty() ? null : Set.copyOf(schemes));
    }

    /** Per-listing state: the protocols of each RSE met so far. Not thread-safe; one per request. */
    public final class Session {
        private final Set<String> schemes;
        private final Map<String, List<RseProtocol>> byRse = new HashMap<>();

        private Session(Set<String> schemes) {
            this.schemes = schemes;
        }

        public List<Pfn> pfns(ReplicaStore.At replica, String scope, String name) {
            List<RseProtocol> readable = byRse.computeIfAbsent(replica.rse(), this::readable);
            List<Pfn> out = new ArrayList<>(readable.size());
            String path = replica.path() != null ? replica.path() : Lfn2Pfn.hash(scope, name);
            for (RseProtocol p : readable) {
                out.add(new Pfn(Lfn2Pfn.pfn(p, path), p.readWan()));
            }
            return out;
        }

        private List<RseProtocol> readable(String rse) {
            return protocols.listByRse(List.of(rse)).getOrDefault(rse, List.of()).stream()
                    .filter(p -> p.readWan() > 0 && (schemes == null || schemes.contains(p.scheme())))
                    .sorted(Comparator.comparingInt(RseProtocol::readWan))
                    .toList();
        }
    }
}

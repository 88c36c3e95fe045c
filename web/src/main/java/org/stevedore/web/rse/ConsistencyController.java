package org.stevedore.web.rse;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.transfer.consistency.ConsistencyRuns;
import org.stevedore.transfer.consistency.ConsistencyStore;
import org.stevedore.transfer.consistency.ListingSources;
import org.stevedore.transfer.error.ConsistencyRunNotFound;
import org.stevedore.web.api.RucioDates;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * An RSE's consistency check: its last runs with their counts, the missing and dark paths of the latest (paged), and,
 * for admins ({@code update_rse}), a run started now in the background.
 */
@RestController
@RequestMapping("/rses/{rse}/consistency")
public class ConsistencyController {

    private static final int MAX_PAGE = 10_000;

    private final ConsistencyStore store;
    private final ConsistencyRuns runs;
    private final ListingSources sources;
    private final Permissions permissions;

    public ConsistencyController(ConsistencyStore store, ConsistencyRuns runs, ListingSources sources,
                                 Permissions permissions) {
        this.store = store;
        this.runs = runs;
        this.sources = sources;
        this.permissions = permissions;
    }

    /**
     * {@code ?runs=} last runs (10), or {@code ?run=<id>} that run only; {@code ?kind=missing|dark&offset=&limit=}
     * the paths of that run (default: the latest), 1000 by default.
     */
    @GetMapping({"", "/"})
    public Map<String, Object> get(@PathVariable String rse, @RequestParam(name = "runs", defaultValue = "10") int runs,
                                   @RequestParam(name = "run", required = false) String run,
                                   @RequestParam(name = "kind", required = false) String kind,
                                   @RequestParam(name = "offset", defaultValue = "0") int offset,
                                   @RequestParam(name = "limit", defaultValue = "1000") int limit) {
        if (runs < 1 || runs > 1000 || offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw new InvalidObject("runs must be 1 to 1000, offset at least 0 and limit 1 to " + MAX_PAGE);
        }
        String rseId = store.rseId(rse);
        List<ConsistencyStore.Run> found = run == null ? store.runs(rseId, runs)
                : List.of(store.run(rseId, run).orElseThrow(() -> new ConsistencyRunNotFound(
                        "No consistency run '" + run + "' of RSE '" + rse + "'")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rse", rse);
        List<Map<String, Object>> docs = new ArrayList<>();
        found.forEach(r -> docs.add(doc(r)));
        out.put("runs", docs);
        if (kind != null) {
            String k = kind.toUpperCase(Locale.ROOT);
            if (!k.equals("MISSING") && !k.equals("DARK")) {
                throw new InvalidObject("kind must be 'missing' or 'dark', not '" + kind + "'");
            }
            out.put(kind.toLowerCase(Locale.ROOT), found.isEmpty() ? List.of()
                    : store.findings(found.get(0).id(), k, offset, limit));
        }
        return out;
    }

    /**
     * Starts the check now, in the background, with the RSE's listing source: 202 with the RUNNING run and its
     * {@code Location}, to poll until DONE or FAILED; 409 ({@code Duplicate}) while a run of the RSE is under way.
     */
    @PostMapping({"", "/"})
    public ResponseEntity<Map<String, Object>> run(@PathVariable String rse, Caller caller) {
        permissions.require(caller, Action.UPDATE_RSE, Target.rse(rse));
        store.rseId(rse);
        var listing = sources.forRse(rse).orElseThrow(() -> new UnsupportedOperation("RSE '" + rse
                + "' has no listing source: no storage dump in the dump directory and no file protocol"));
        ConsistencyStore.Run started = runs.start(rse, listing);
        URI location = UriComponentsBuilder.fromPath("/rses/{rse}/consistency").queryParam("run", started.id())
                .buildAndExpand(rse).encode().toUri();
        return ResponseEntity.accepted().location(location).body(doc(started));
    }

    private static Map<String, Object> doc(ConsistencyStore.Run r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", r.id());
        d.put("source", r.source());
        d.put("state", r.state());
        d.put("started_at", RucioDates.rfc1123(r.startedAt()));
        d.put("ended_at", r.endedAt() == null ? null : RucioDates.rfc1123(r.endedAt()));
        d.put("listed_at", r.listedAt() == null ? null : RucioDates.rfc1123(r.listedAt()));
        d.put("storage_files", r.storageFiles());
        d.put("catalog_files", r.catalogFiles());
        d.put("missing", r.missing());
        d.put("dark", r.dark());
        d.put("dark_deleted", r.darkDeleted());
        d.put("refused", r.refused());
        d.put("error", r.error());
        return d;
    }
}

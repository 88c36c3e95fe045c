package org.stevedore.rules.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;
import org.stevedore.rules.store.RuleInputs.FileInfo;
import org.stevedore.rules.store.RuleInputs.ReplicaInfo;

/**
 * What injecting a rule of any size reads, without holding its files: their number (for the injection threshold),
 * the totals of each placement group (computed in the store) and the files one at a time, streamed. A rule on a
 * dataset of a million files used to read every file and its replicas into lists before writing a lock; these reads
 * keep the heap at one slice of locks whatever the dataset's size.
 */
public final class InjectionInputs {

    /** Bytes of a placement group, and per RSE id what of it already sits there (bytes plus one per file). */
    public record GroupTotals(long bytes, Map<String, Long> present) {
    }

    /**
     * Only the files of a rule with fewer than {@code copies} RSEs locked: an injection resumed after an
     * interruption skips what it already wrote.
     */
    public record Pending(String ruleId, int copies) {
    }

    private final Store store;

    public InjectionInputs(Store store) {
        this.store = store;
    }

    /** How many files {@link RuleInputs#files} would answer for the DID (a file once per dataset), counted in the store. */
    public long count(DidRef did, DidType type) {
        return store.read(tx -> tx.run(RuleInputs.match(type) + " RETURN count(*) AS n", Map.of("key", did.key()))
                .single().get("n").asLong());
    }

    /**
     * The totals of each placement group of a rule's files: by dataset for DATASET grouping, one group {@code ""} for
     * ALL; NONE places file by file and has none. A file reached through two datasets counts once per group, as the
     * planner's own grouping counts it.
     */
    public Map<String, GroupTotals> groupTotals(DidRef did, DidType type, Grouping grouping, Pending pending) {
        if (grouping == Grouping.NONE) {
            return Map.of();
        }
        String group = grouping == Grouping.ALL ? "''" : "dataset";
        // One row per group and RSE holding some of it, plus one per group (rse '') with the group's bytes.
        String cypher = files(type, grouping, pending) + """
                 WITH %s AS grp, f, coalesce(f.bytes, 0) AS b
                 UNWIND [(f)-[:REPLICA]->(rse:Rse) | rse.id] + [''] AS rse
                 RETURN grp, rse, sum(CASE WHEN rse = '' THEN b ELSE b + 1 END) AS bytes
                """.formatted(group);
        Map<String, Long> bytes = new LinkedHashMap<>();
        Map<String, Map<String, Long>> present = new HashMap<>();
        store.stream(cypher, params(did, pending), r -> {
            String grp = Values.str(r.get("grp"));
            String rse = r.get("rse").asString();
            if (rse.isEmpty()) {
                bytes.put(grp, r.get("bytes").asLong());
            } else {
                present.computeIfAbsent(grp, g -> new HashMap<>()).put(rse, r.get("bytes").asLong());
            }
        });
        Map<String, GroupTotals> out = new LinkedHashMap<>();
        bytes.forEach((grp, b) -> out.put(grp, new GroupTotals(b, present.getOrDefault(grp, Map.of()))));
        return out;
    }

    /**
     * Hands the rule's files to {@code sink} one at a time with where their replicas are, as the store yields them
     * (each file once per group: per dataset under DATASET grouping, once otherwise). The sink may write in
     * transactions of its own: the read stays open, streaming, until the last file.
     */
    public void stream(DidRef did, DidType type, Grouping grouping, Pending pending,
                       BiConsumer<FileInfo, List<ReplicaInfo>> sink) {
        String cypher = files(type, grouping, pending) + """
                 CALL (f) { OPTIONAL MATCH (f)-[r:REPLICA]->(rse:Rse) RETURN collect([rse.id, r.state]) AS replicas }
                 RETURN f.key AS key, f.scope AS scope, f.name AS name, f.bytes AS bytes, dataset, replicas
                """;
        store.stream(cypher, params(did, pending), r -> {
            List<ReplicaInfo> replicas = new ArrayList<>(2);
            for (var pair : r.get("replicas").values()) {
                if (!pair.get(0).isNull()) {
                    replicas.add(new ReplicaInfo(pair.get(0).asString(), pair.get(1).asString()));
                }
            }
            sink.accept(new FileInfo(r.get("key").asString(), r.get("scope").asString(), r.get("name").asString(),
                    r.get("bytes").asLong(0), Values.str(r.get("dataset"))), replicas);
        });
    }

    private static Map<String, Object> params(DidRef did, Pending pending) {
        Map<String, Object> params = new HashMap<>();
        params.put("key", did.key());
        if (pending != null) {
            params.put("rule", pending.ruleId());
            params.put("copies", pending.copies());
        }
        return params;
    }

    /** The files under a DID as {@code f} with {@code dataset}, as the rule's grouping sees them. */
    private static String files(DidType type, Grouping grouping, Pending pending) {
        String files = RuleInputs.match(type);
        if (type == DidType.CONTAINER && grouping != Grouping.DATASET) {
            // A file in two datasets of the container is one member of the rule's one group (ALL) or of its own
            // (NONE): once, not once per dataset. DISTINCT streams; only the ids seen are kept, in the store.
            files += " WITH DISTINCT f, $key AS dataset";
        }
        if (pending != null) {
            // Expanded from the file (a few locks), not from the rule (all of them).
            files += " WHERE COUNT { MATCH (f)<-[l:LOCK]-(r:Rule) WHERE r.id = $rule RETURN DISTINCT l.rse_id } < $copies";
        }
        return files;
    }
}

package org.stevedore.catalog.rse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.RSEProtocolNotSupported;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.catalog.store.Store;

/**
 * Protocols of RSEs: {@code (:Rse)-[:HAS_PROTOCOL]->(:Protocol)} with properties {@code key} ({@code <rse id>/
 * scheme://hostname:port}, unique), {@code scheme, hostname, port, prefix, impl}, the priorities {@code read_lan,
 * write_lan, delete_lan, read_wan, write_wan, delete_wan, third_party_copy_read, third_party_copy_write} and
 * {@code extended_attributes} as a JSON string. A protocol is identified by scheme, hostname and port, as in Rucio.
 */
public final class RseProtocolStore {

    private static final String ORDER = " ORDER BY p.scheme, p.hostname, p.port";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final ObjectMapper json = JSON;

    public RseProtocolStore(Store store) {
        this.store = store;
    }

    /** Adds a protocol given as Rucio's protocol document (see {@link RseProtocol#fromRucio}). */
    public RseProtocol add(String rse, Map<String, ?> rucioProtocol) {
        return add(rse, RseProtocol.fromRucio(rucioProtocol));
    }

    public RseProtocol add(String rse, RseProtocol protocol) {
        return Constraints.refusingDuplicates(() -> store.write(tx -> {
            String rseId = RseGraph.requireId(tx, rse);
            Map<String, Object> props = properties(rseId, protocol);
            boolean exists = tx.run("MATCH (:Rse {id: $id})-[:HAS_PROTOCOL]->(p:Protocol {key: $key}) RETURN p LIMIT 1",
                    Map.of("id", rseId, "key", props.get("key"))).hasNext();
            if (exists) {
                throw duplicate(rse, protocol);
            }
            tx.run("MATCH (r:Rse {id: $id}) CREATE (r)-[:HAS_PROTOCOL]->(p:Protocol) SET p = $props",
                    Map.of("id", rseId, "props", props)).consume();
            return protocol;
        }), () -> duplicate(rse, protocol));
    }

    /** The RSE's protocols, sorted by scheme, hostname and port. */
    public List<RseProtocol> list(String rse) {
        return store.read(tx -> {
            RseGraph.requireId(tx, rse);
            return tx.run("MATCH (:Rse {rse: $rse})-[:HAS_PROTOCOL]->(p:Protocol) RETURN p" + ORDER, Map.of("rse", rse))
                    .list(rec -> fromProperties(rec.get("p").asMap()));
        });
    }

    /** The RSE's protocols of one scheme; RSEProtocolNotSupported when it has none. */
    public List<RseProtocol> get(String rse, String scheme) {
        List<RseProtocol> found = store.read(tx -> matching(tx, rse, scheme, null, null));
        if (found.isEmpty()) {
            throw notSupported(rse, scheme, null, null);
        }
        return found;
    }

    /** Protocols of several RSEs in one query, keyed by RSE name; RSEs without protocols (or unknown) are absent. */
    public Map<String, List<RseProtocol>> listByRse(Collection<String> rses) {
        Map<String, List<RseProtocol>> byRse = new LinkedHashMap<>();
        store.read(tx -> tx.run("""
                UNWIND $rses AS name
                MATCH (r:Rse {rse: name})-[:HAS_PROTOCOL]->(p:Protocol)
                RETURN r.rse AS rse, p ORDER BY r.rse, p.scheme, p.hostname, p.port
                """, Map.of("rses", List.copyOf(new HashSet<>(rses)))).list())
                .forEach(rec -> byRse.computeIfAbsent(rec.get("rse").asString(), k -> new ArrayList<>())
                        .add(fromProperties(rec.get("p").asMap())));
        return byRse;
    }

    /**
     * Applies Rucio-keyed {@code changes} (see {@link RseProtocol#with}) to every protocol of the scheme, narrowed by
     * hostname and port when given, and returns them changed. Refused as a whole if a result would collide with
     * another protocol of the RSE.
     */
    public List<RseProtocol> update(String rse, String scheme, String hostname, Integer port, Map<String, ?> changes) {
        return Constraints.refusingDuplicates(() -> store.write(tx -> {
            String rseId = RseGraph.requireId(tx, rse);
            List<RseProtocol> targets = matching(tx, rse, scheme, hostname, port);
            if (targets.isEmpty()) {
                throw notSupported(rse, scheme, hostname, port);
            }
            Set<String> untouched = new HashSet<>(tx.run(
                    "MATCH (:Rse {id: $id})-[:HAS_PROTOCOL]->(p:Protocol) RETURN p.key AS key", Map.of("id", rseId))
                    .list(rec -> rec.get("key").asString()));
            List<Map<String, Object>> rows = new ArrayList<>();
            List<RseProtocol> changed = new ArrayList<>();
            for (RseProtocol target : targets) {
                untouched.remove(key(rseId, target));
            }
            Set<String> newKeys = new HashSet<>();
            for (RseProtocol target : targets) {
                RseProtocol updated = target.with(changes);
                Map<String, Object> props = properties(rseId, updated);
                if (untouched.contains(props.get("key")) || !newKeys.add((String) props.get("key"))) {
                    throw duplicate(rse, updated);
                }
                rows.add(Map.of("old", key(rseId, target), "props", props));
                changed.add(updated);
            }
            tx.run("""
                    UNWIND $rows AS row
                    MATCH (:Rse {id: $id})-[:HAS_PROTOCOL]->(p:Protocol {key: row.old})
                    SET p = row.props
                    """, Map.of("id", rseId, "rows", rows)).consume();
            return changed;
        }), () -> new Duplicate("Updating protocol '" + scheme + "' of RSE '" + rse
                + "' would make it collide with another protocol"));
    }

    /**
     * Deletes the RSE's protocols of the scheme, narrowed by hostname and port when given; returns how many went.
     * RSEProtocolNotSupported when none matched.
     */
    public int delete(String rse, String scheme, String hostname, Integer port) {
        return store.write(tx -> {
            RseGraph.requireId(tx, rse);
            int deleted = tx.run("""
                    MATCH (:Rse {rse: $rse})-[:HAS_PROTOCOL]->(p:Protocol {scheme: $scheme})
                    WHERE ($hostname IS NULL OR p.hostname = $hostname) AND ($port IS NULL OR p.port = $port)
                    DETACH DELETE p
                    RETURN count(*) AS deleted
                    """, params(rse, scheme, hostname, port)).single().get("deleted").asInt();
            if (deleted == 0) {
                throw notSupported(rse, scheme, hostname, port);
            }
            return deleted;
        });
    }

    private List<RseProtocol> matching(TransactionContext tx, String rse, String scheme, String hostname, Integer port) {
        RseGraph.requireId(tx, rse);
        return tx.run("""
                MATCH (:Rse {rse: $rse})-[:HAS_PROTOCOL]->(p:Protocol {scheme: $scheme})
                WHERE ($hostname IS NULL OR p.hostname = $hostname) AND ($port IS NULL OR p.port = $port)
                RETURN p""" + ORDER, params(rse, scheme, hostname, port))
                .list(rec -> fromProperties(rec.get("p").asMap()));
    }

    private static Map<String, Object> params(String rse, String scheme, String hostname, Integer port) {
        Map<String, Object> params = new HashMap<>();
        params.put("rse", rse);
        params.put("scheme", scheme == null ? "" : scheme);
        params.put("hostname", hostname);
        params.put("port", port);
        return params;
    }

    private Map<String, Object> properties(String rseId, RseProtocol p) {
        Map<String, Object> props = new HashMap<>();
        props.put("key", key(rseId, p));
        props.put("scheme", p.scheme());
        props.put("hostname", p.hostname());
        props.put("port", p.port());
        props.put("prefix", p.prefix());
        props.put("impl", p.impl());
        props.put("read_lan", p.readLan());
        props.put("write_lan", p.writeLan());
        props.put("delete_lan", p.deleteLan());
        props.put("read_wan", p.readWan());
        props.put("write_wan", p.writeWan());
        props.put("delete_wan", p.deleteWan());
        props.put("third_party_copy_read", p.thirdPartyCopyRead());
        props.put("third_party_copy_write", p.thirdPartyCopyWrite());
        try {
            props.put("extended_attributes",
                    p.extendedAttributes() == null ? null : json.writeValueAsString(p.extendedAttributes()));
        } catch (JsonProcessingException e) {
            throw new InvalidObject("Protocol key 'extended_attributes' cannot be written as JSON: " + e.getOriginalMessage());
        }
        return props;
    }

    /** A protocol from its stored properties, for statements of other stores that read protocols along. */
    public static RseProtocol fromProperties(Map<String, Object> p) {
        Map<String, Object> extended = null;
        Object text = p.get("extended_attributes");
        if (text != null) {
            try {
                extended = JSON.readValue((String) text, new TypeReference<Map<String, Object>>() { });
            } catch (JsonProcessingException e) {
                // only this class writes the property, always as valid JSON
                throw new IllegalStateException("Stored extended_attributes is not JSON: " + text, e);
            }
        }
        return new RseProtocol((String) p.get("scheme"), (String) p.get("hostname"), intOf(p, "port"),
                (String) p.get("prefix"), (String) p.get("impl"),
                intOf(p, "read_lan"), intOf(p, "write_lan"), intOf(p, "delete_lan"),
                intOf(p, "read_wan"), intOf(p, "write_wan"), intOf(p, "delete_wan"),
                intOf(p, "third_party_copy_read"), intOf(p, "third_party_copy_write"), extended);
    }

    private static int intOf(Map<String, Object> p, String key) {
        Object v = p.get(key);
        return v == null ? 0 : ((Number) v).intValue();
    }

    private static String key(String rseId, RseProtocol p) {
        return rseId + "/" + p.address();
    }

    private static Duplicate duplicate(String rse, RseProtocol p) {
        return new Duplicate("RSE '" + rse + "' already has protocol " + p.address());
    }

    private static RSEProtocolNotSupported notSupported(String rse, String scheme, String hostname, Integer port) {
        String what = "'" + scheme + "'" + (hostname == null ? "" : " on host '" + hostname + "'")
                + (port == null ? "" : " port " + port);
        return new RSEProtocolNotSupported("RSE '" + rse + "' has no protocol " + what);
    }
}

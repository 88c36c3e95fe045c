package org.stevedore.catalog.rse;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.store.Store;

/** What the RSE stores share: reading {@code :Rse} nodes, the existence check, and prefixed property maps. */
final class RseGraph {

    static final String ATTRIBUTE_PREFIX = "attr:";
    static final String LIMIT_PREFIX = "limit:";

    private RseGraph() {
    }

    static RSENotFound notFound(String rse) {
        return new RSENotFound("RSE '" + rse + "' does not exist");
    }

    /** The id of the named RSE, or RSENotFound; for write transactions that must fail before changing anything. */
    static String requireId(TransactionContext tx, String rse) {
        var rows = tx.run("MATCH (r:Rse {rse: $rse}) RETURN r.id AS id", Map.of("rse", rse == null ? "" : rse)).list();
        if (rows.isEmpty()) {
            throw notFound(rse);
        }
        return rows.get(0).get("id").asString();
    }

    /** Maps the {@code :Rse} node's properties; attribute and limit properties are ignored here. */
    static Rse toRse(Map<String, Object> p) {
        return new Rse(
                (String) p.get("id"),
                (String) p.get("rse"),
                RseType.valueOf((String) p.get(RseKey.RSE_TYPE.key())),
                flag(p, RseKey.DETERMINISTIC),
                flag(p, RseKey.VOLATILE),
                flag(p, RseKey.STAGING_AREA),
                flag(p, RseKey.AVAILABILITY_READ),
                flag(p, RseKey.AVAILABILITY_WRITE),
                flag(p, RseKey.AVAILABILITY_DELETE),
                (String) p.get(RseKey.CITY.key()),
                (String) p.get(RseKey.REGION_CODE.key()),
                (String) p.get(RseKey.COUNTRY_NAME.key()),
                (String) p.get(RseKey.CONTINENT.key()),
                (String) p.get(RseKey.TIME_ZONE.key()),
                (String) p.get(RseKey.ISP.key()),
                (String) p.get(RseKey.ASN.key()),
                (Double) p.get(RseKey.LONGITUDE.key()),
                (Double) p.get(RseKey.LATITUDE.key()),
                (String) p.get(RseKey.QOS_CLASS.key()),
                (String) p.getOrDefault(RseKey.LFN2PFN_ALGORITHM.key(), Lfn2Pfn.HASH),
                flag(p, RseKey.VERIFY_CHECKSUM),
                instant(p.get("created_at")),
                instant(p.get("updated_at")));
    }

    /** The properties under {@code prefix}, keyed without it, sorted by key. */
    static Map<String, Object> prefixed(Map<String, Object> properties, String prefix) {
        Map<String, Object> out = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    static Instant instant(Object epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(((Number) epochMillis).longValue());
    }

    /**
     * Attribute values keep the type they were given, limited to what both Neo4j and Rucio's JSON carry: string,
     * boolean, integer (as long) and floating point (as double).
     */
    static Object attributeValue(String key, Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
            return ((Number) value).doubleValue();
        }
        throw new InvalidObject("Attribute '" + key + "' takes a string, boolean or number, not "
                + (value == null ? "null" : value.getClass().getSimpleName() + " '" + value + "'"));
    }


    private static boolean flag(Map<String, Object> p, RseKey key) {
        Object v = p.get(key.key());
        return v == null ? (Boolean) key.defaultValue() : (Boolean) v;
    }


    /**
     * Removes one prefixed property (an attribute or a limit) of an RSE, setting {@code alsoSet} with it and running
     * {@code onRemoved} in the same transaction when it was there; refuses an unknown RSE, and a property that is not
     * there with {@code missing}.
     */
    static void removeProperty(Store store, String rse, String property, Map<String, Object> alsoSet,
                               Consumer<TransactionContext> onRemoved, Supplier<KeyNotFound> missing) {
        Map<String, Object> removal = new HashMap<>(alsoSet);
        removal.put(property, null);  // null in SET += removes the property
        List<Record> rows = store.write(tx -> {
            List<Record> found = tx.run("""
                    MATCH (r:Rse {rse: $rse})
                    WITH r, r[$property] IS NOT NULL AS had
                    SET r += CASE WHEN had THEN $removal ELSE {} END
                    RETURN had
                    """, Map.of("rse", rse == null ? "" : rse, "property", property, "removal", removal)).list();
            if (!found.isEmpty() && found.get(0).get("had").asBoolean()) {
                onRemoved.accept(tx);
            }
            return found;
        });
        if (rows.isEmpty()) {
            throw notFound(rse);
        }
        if (!rows.get(0).get("had").asBoolean()) {
            throw missing.get();
        }
    }
}

package org.stevedore.catalog.rse;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.InvalidValueForKey;

/**
 * The settable settings of an RSE under their Rucio JSON keys, which are also the {@code :Rse} node's property
 * names. One table serves adding, partial updates and reading the node back, so the three cannot drift apart.
 */
public enum RseKey {
    RSE_TYPE("rse_type", Kind.RSE_TYPE, "DISK"),
    DETERMINISTIC("deterministic", Kind.BOOLEAN, true),
    VOLATILE("volatile", Kind.BOOLEAN, false),
    STAGING_AREA("staging_area", Kind.BOOLEAN, false),
    AVAILABILITY_READ("availability_read", Kind.BOOLEAN, true),
    AVAILABILITY_WRITE("availability_write", Kind.BOOLEAN, true),
    AVAILABILITY_DELETE("availability_delete", Kind.BOOLEAN, true),
    CITY("city", Kind.STRING, null),
    REGION_CODE("region_code", Kind.STRING, null),
    COUNTRY_NAME("country_name", Kind.STRING, null),
    CONTINENT("continent", Kind.STRING, null),
    TIME_ZONE("time_zone", Kind.STRING, null),
    // Rucio spells these two in upper case in its documents; both spellings are accepted.
    ISP("isp", Kind.STRING, null),
    ASN("asn", Kind.STRING, null),
    LONGITUDE("longitude", Kind.LONGITUDE, null),
    LATITUDE("latitude", Kind.LATITUDE, null),
    QOS_CLASS("qos_class", Kind.STRING, null),
    LFN2PFN_ALGORITHM("lfn2pfn_algorithm", Kind.LFN2PFN, Lfn2Pfn.HASH),
    VERIFY_CHECKSUM("verify_checksum", Kind.BOOLEAN, true);

    private enum Kind { BOOLEAN, STRING, LONGITUDE, LATITUDE, RSE_TYPE, LFN2PFN }

    /** Keys of a Rucio RSE document that exist but are not settings; named in the refusal so callers understand. */
    private static final Set<String> FIXED = Set.of("id", "rse", "created_at", "updated_at", "deleted", "deleted_at");

    private final String key;
    private final Kind kind;
    private final Object defaultValue;

    RseKey(String key, Kind kind, Object defaultValue) {
        this.key = key;
        this.kind = kind;
        this.defaultValue = defaultValue;
    }

    /** The Rucio JSON key, which is also the node property name. */
    public String key() {
        return key;
    }

    /** The value an RSE gets when it is added without this key; null for none. */
    public Object defaultValue() {
        return defaultValue;
    }

    /** The setting named by a Rucio key ({@code ISP}/{@code ASN} in either case). */
    public static RseKey of(String key) {
        if (key != null) {
            String lookup = key.equals("ISP") || key.equals("ASN") ? key.toLowerCase(Locale.ROOT) : key;
            for (RseKey k : values()) {
                if (k.key.equals(lookup)) {
                    return k;
                }
            }
            if (FIXED.contains(key)) {
                throw new InvalidObject("RSE key '" + key + "' cannot be set");
            }
        }
        throw new InvalidObject("Unknown RSE key '" + key + "' (known: "
                + Arrays.stream(values()).map(RseKey::key).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * Checks {@code value} for this key and returns it as stored. Null clears an optional setting and is refused
     * for a setting every RSE must have.
     */
    public Object validate(Object value) {
        if (value == null) {
            if (defaultValue != null) {
                throw new InvalidObject("RSE key '" + key + "' must not be null");
            }
            return null;
        }
        return switch (kind) {
            case BOOLEAN -> {
                if (!(value instanceof Boolean b)) {
                    throw wrongType("a boolean", value);
                }
                yield b;
            }
            case STRING -> {
                if (!(value instanceof String s)) {
                    throw wrongType("a string", value);
                }
                yield s;
            }
            case LONGITUDE -> coordinate(value, 180);
            case LATITUDE -> coordinate(value, 90);
            case RSE_TYPE -> {
                if (!(value instanceof String s)) {
                    throw wrongType("a string (DISK or TAPE)", value);
                }
                yield RseType.parse(s).name();
            }
            case LFN2PFN -> {
                if (!(value instanceof String s)) {
                    throw wrongType("a string", value);
                }
                if (!Lfn2Pfn.ALGORITHMS.contains(s)) {
                    throw new InvalidValueForKey("RSE key '" + key + "': unknown algorithm '" + s + "' (known: "
                            + String.join(", ", Lfn2Pfn.ALGORITHMS) + ")");
                }
                yield s;
            }
        };
    }

    /** Validates a map of Rucio keys to values into node properties; refuses the whole map on the first bad entry. */
    public static Map<String, Object> toProperties(Map<String, ?> settings) {
        Map<String, Object> properties = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            RseKey key = of(k);
            properties.put(key.key, key.validate(v));
        });
        return properties;
    }

    private Double coordinate(Object value, int bound) {
        if (!(value instanceof Number n)) {
            throw wrongType("a number", value);
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d) || d < -bound || d > bound) {
            throw new InvalidValueForKey("RSE key '" + key + "': " + value + " is outside [-" + bound + ", " + bound + "]");
        }
        return d;
    }

    private InvalidObject wrongType(String expected, Object value) {
        return new InvalidObject("RSE key '" + key + "' takes " + expected + ", not "
                + value.getClass().getSimpleName() + " '" + value + "'");
    }
}

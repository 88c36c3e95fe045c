package org.stevedore.catalog.rse;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.InvalidValueForKey;

/**
 * One way to reach an RSE's storage. Priorities are per domain (LAN inside the site, WAN from elsewhere) and
 * operation: 1 is the most preferred, 0 means the protocol is not used for that operation.
 *
 * @param hostname           empty (never null) when the scheme has no host, as for {@code file}
 * @param port               0 when none
 * @param extendedAttributes free JSON object, or null; e.g. SRM's {@code web_service_path}
 */
public record RseProtocol(
        String scheme,
        String hostname,
        int port,
        String prefix,
        String impl,
        int readLan,
        int writeLan,
        int deleteLan,
        int readWan,
        int writeWan,
        int deleteWan,
        int thirdPartyCopyRead,
        int thirdPartyCopyWrite,
        Map<String, Object> extendedAttributes) {

    private static final Set<String> KEYS =
            Set.of("scheme", "hostname", "port", "prefix", "impl", "domains", "extended_attributes");
    private static final Set<String> LAN_OPERATIONS = Set.of("read", "write", "delete");
    private static final Set<String> WAN_OPERATIONS = Set.of("read", "write", "delete", "third_party_copy",
            "third_party_copy_read", "third_party_copy_write");

    public RseProtocol {
        if (scheme == null || scheme.isEmpty() || !scheme.matches("[a-z][a-z0-9+.-]*")) {
            throw new InvalidObject("Invalid protocol scheme '" + scheme
                    + "': it must start with a lower-case letter followed by lower-case letters, digits, '+', '.', '-'");
        }
        hostname = hostname == null ? "" : hostname;
        if (hostname.contains("/") || hostname.contains(" ")) {
            throw new InvalidValueForKey("Invalid protocol hostname '" + hostname + "': no '/' or spaces allowed");
        }
        if (port < 0 || port > 65_535) {
            throw new InvalidValueForKey("Invalid protocol port " + port + ": it must be within 0..65535");
        }
        prefix = prefix == null ? "" : prefix;
        checkPriority("lan", "read", readLan);
        checkPriority("lan", "write", writeLan);
        checkPriority("lan", "delete", deleteLan);
        checkPriority("wan", "read", readWan);
        checkPriority("wan", "write", writeWan);
        checkPriority("wan", "delete", deleteWan);
        checkPriority("wan", "third_party_copy_read", thirdPartyCopyRead);
        checkPriority("wan", "third_party_copy_write", thirdPartyCopyWrite);
        // JSON objects may hold nulls, which Map.copyOf refuses
        extendedAttributes = extendedAttributes == null ? null
                : Collections.unmodifiableMap(new LinkedHashMap<>(extendedAttributes));
    }

    /**
     * Reads Rucio's protocol document: {@code scheme, hostname, port, prefix, impl, extended_attributes} and
     * {@code domains: {lan: {read, write, delete}, wan: {read, write, delete, third_party_copy_read,
     * third_party_copy_write}}}. Missing priorities are 0; Rucio's older {@code third_party_copy} sets both
     * third-party-copy priorities.
     */
    /**
     * The preferred protocol for an operation: the lowest non-zero priority as {@code priority} reads it (for example
     * {@code RseProtocol::writeWan}); null when none supports the operation or {@code protocols} is null.
     */
    public static RseProtocol best(Collection<RseProtocol> protocols, ToIntFunction<RseProtocol> priority) {
        if (protocols == null) {
            return null;
        }
        return protocols.stream().filter(p -> priority.applyAsInt(p) > 0)
                .min(Comparator.comparingInt(priority)).orElse(null);
    }

    public static RseProtocol fromRucio(Map<String, ?> json) {
        for (String key : json.keySet()) {
            if (!KEYS.contains(key)) {
                throw new InvalidObject("Unknown protocol key '" + key + "' (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        Map<String, Map<String, Integer>> domains = domains(json.get("domains"));
        Map<String, Integer> lan = domains.getOrDefault("lan", Map.of());
        Map<String, Integer> wan = domains.getOrDefault("wan", Map.of());
        int tpc = wan.getOrDefault("third_party_copy", 0);
        return new RseProtocol(
                string(json, "scheme"),
                string(json, "hostname"),
                integer("port", json.get("port"), 0),
                string(json, "prefix"),
                string(json, "impl"),
                lan.getOrDefault("read", 0),
                lan.getOrDefault("write", 0),
                lan.getOrDefault("delete", 0),
                wan.getOrDefault("read", 0),
                wan.getOrDefault("write", 0),
                wan.getOrDefault("delete", 0),
                wan.getOrDefault("third_party_copy_read", tpc),
                wan.getOrDefault("third_party_copy_write", tpc),
                extendedAttributes(json.get("extended_attributes")));
    }

    /** Rucio's protocol document, the shape {@link #fromRucio} reads. */
    public Map<String, Object> toRucio() {
        Map<String, Object> lan = new LinkedHashMap<>();
        lan.put("read", readLan);
        lan.put("write", writeLan);
        lan.put("delete", deleteLan);
        Map<String, Object> wan = new LinkedHashMap<>();
        wan.put("read", readWan);
        wan.put("write", writeWan);
        wan.put("delete", deleteWan);
        wan.put("third_party_copy_read", thirdPartyCopyRead);
        wan.put("third_party_copy_write", thirdPartyCopyWrite);
        Map<String, Object> domains = new LinkedHashMap<>();
        domains.put("lan", lan);
        domains.put("wan", wan);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scheme", scheme);
        doc.put("hostname", hostname);
        doc.put("port", port);
        doc.put("prefix", prefix);
        doc.put("impl", impl);
        doc.put("domains", domains);
        doc.put("extended_attributes", extendedAttributes);
        return doc;
    }

    /**
     * This protocol with Rucio-keyed {@code changes} applied; {@code domains} merge per operation, so
     * {@code {"domains": {"wan": {"read": 2}}}} changes only the WAN read priority. The scheme cannot change.
     */
    public RseProtocol with(Map<String, ?> changes) {
        Map<String, Object> doc = toRucio();
        for (Map.Entry<String, ?> change : changes.entrySet()) {
            String key = change.getKey();
            if (key.equals("scheme") && !scheme.equals(change.getValue())) {
                throw new InvalidObject("Protocol key 'scheme' cannot be changed; add a protocol of the new scheme");
            }
            if (key.equals("domains")) {
                Map<String, Map<String, Integer>> current = domains(doc.get("domains"));
                domains(change.getValue()).forEach((domain, ops) -> current.get(domain).putAll(ops));
                doc.put("domains", current);
            } else {
                doc.put(key, change.getValue());
            }
        }
        return fromRucio(doc);
    }

    /** Identity of a protocol within its RSE, as Rucio has it: scheme, hostname and port. */
    String address() {
        return scheme + "://" + hostname + ":" + port;
    }

    private static Map<String, Map<String, Integer>> domains(Object value) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        out.put("lan", new LinkedHashMap<>());
        out.put("wan", new LinkedHashMap<>());
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidObject("Protocol key 'domains' takes an object {lan: {...}, wan: {...}}, not '" + value + "'");
        }
        map.forEach((domain, ops) -> {
            Set<String> allowed = "lan".equals(domain) ? LAN_OPERATIONS : "wan".equals(domain) ? WAN_OPERATIONS : null;
            if (allowed == null) {
                throw new InvalidObject("Unknown protocol domain '" + domain + "' (known: lan, wan)");
            }
            if (ops == null) {
                return;
            }
            if (!(ops instanceof Map<?, ?> opMap)) {
                throw new InvalidObject("Protocol domain '" + domain + "' takes an object of operation priorities");
            }
            opMap.forEach((op, priority) -> {
                if (!allowed.contains(String.valueOf(op))) {
                    throw new InvalidObject("Unknown operation '" + op + "' in protocol domain '" + domain
                            + "' (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
                out.get((String) domain).put((String) op, integer("domains." + domain + "." + op, priority, 0));
            });
        });
        return out;
    }

    private static String string(Map<String, ?> json, String key) {
        Object value = json.get(key);
        if (value != null && !(value instanceof String)) {
            throw new InvalidObject("Protocol key '" + key + "' takes a string, not '" + value + "'");
        }
        return (String) value;
    }

    private static int integer(String key, Object value, int otherwise) {
        if (value == null) {
            return otherwise;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            long l = ((Number) value).longValue();
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return (int) l;
            }
        }
        throw new InvalidObject("Protocol key '" + key + "' takes an integer, not '" + value + "'");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> extendedAttributes(Object value) {
        if (value == null || value instanceof Map) {
            return (Map<String, Object>) value;
        }
        throw new InvalidObject("Protocol key 'extended_attributes' takes a JSON object, not '" + value + "'");
    }

    private static void checkPriority(String domain, String operation, int priority) {
        if (priority < 0) {
            throw new InvalidValueForKey("Protocol priority " + domain + "." + operation + " is " + priority
                    + "; it must be 0 (not supported) or more");
        }
    }
}

package org.stevedore.web.fuzz;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The values the fuzzer puts in bodies, paths and parameters: plausible ones chosen by field name (so requests get
 * past parsing into the service's own checks), and malformed ones: numbers at the edges of int64, wrong JSON types,
 * nulls, long and strange strings, deep nesting. None of them contains a Java class name, so any such name in an
 * answer came from the server.
 */
final class Values {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final BigInteger TWO_64_PLUS_5 = BigInteger.TWO.pow(64).add(BigInteger.valueOf(5));

    /** Numbers that break naive arithmetic. */
    static final List<JsonNode> EDGE_NUMBERS = List.of(JSON.numberNode(0), JSON.numberNode(-1),
            JSON.numberNode(Long.MAX_VALUE), JSON.numberNode(Long.MIN_VALUE), JSON.numberNode(TWO_64_PLUS_5),
            JSON.numberNode(Integer.MAX_VALUE + 1L), JSON.numberNode(Integer.MIN_VALUE), JSON.numberNode(1e308),
            JSON.numberNode(-1e308), JSON.numberNode(1.5), JSON.numberNode(3_155_760_001L),
            JSON.numberNode(253_402_300_800L), JSON.numberNode(BigInteger.TEN.pow(40).negate()));

    static final List<String> STRANGE_STRINGS = List.of("", " ", "..", "../../etc/passwd", "a/b", "%2F", "%zz",
            "\u0000", "\u0007bell", "line\nbreak", "tab\there", "ünïcødé", "\u202eevil", "\uD83D\uDE00", "\uFFFF",
            "*", "?", "'; DROP", "{}", "[]", "null", "true", "-1", "9223372036854775808", "1e999", "NaN",
            "x".repeat(300), "y".repeat(20_000), "${x}", "<b>", "a\\b", "\"quoted\"", "UPPER", "MiXeD_1-2.3");

    private static final List<String> MAP_KEYS = List.of("hostname", "port", "prefix", "scheme", "impl", "domains",
            "extended_attributes", "deterministic", "volatile", "rse_type", "staging_area", "availability_read",
            "availability_write", "availability_delete", "city", "region_code", "country_name", "identity",
            "authtype", "password", "email", "default", "value", "key", "lifetime", "tombstone", "bytes", "free",
            "used", "files", "distance", "x");

    private Values() {
    }

    /** A malformed value: an edge number, a wrong type, a null, a strange string, something deep. */
    static JsonNode malformed(Random rnd) {
        return switch (rnd.nextInt(7)) {
            case 0, 1 -> EDGE_NUMBERS.get(rnd.nextInt(EDGE_NUMBERS.size()));
            case 2 -> JSON.nullNode();
            case 3 -> JSON.textNode(STRANGE_STRINGS.get(rnd.nextInt(STRANGE_STRINGS.size())));
            case 4 -> rnd.nextBoolean() ? JSON.booleanNode(rnd.nextBoolean()) : JSON.objectNode().put("x", 1);
            case 5 -> JSON.arrayNode().add(1).add("two").addNull();
            default -> rnd.nextBoolean() ? deep(50) : JSON.textNode(DEEP);
        };
    }

    /** Stands for nesting deeper than Jackson writes; {@link #raw} puts it in the JSON text. */
    static final String DEEP = "__deeper_than_the_parser_allows__";

    /** The JSON text of a node, with {@link #DEEP} made real. */
    static String raw(String json) {
        return json.replace("\"" + DEEP + "\"", "[".repeat(1_200) + "]".repeat(1_200));
    }

    static JsonNode deep(int depth) {
        JsonNode node = JSON.numberNode(1);
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? JSON.arrayNode().add(node) : JSON.objectNode().set("d", node);
        }
        return node;
    }

    /** A value for {@code type}, plausible for a field called {@code name}, malformed with probability {@code p}. */
    static JsonNode value(Random rnd, String name, Type type, Fixture f, double p, int depth) {
        if (rnd.nextDouble() < p || depth > 4) {
            return malformed(rnd);
        }
        Class<?> raw = raw(type);
        if (raw.isRecord()) {
            ObjectNode o = JSON.objectNode();
            for (RecordComponent c : raw.getRecordComponents()) {
                if (rnd.nextDouble() < 0.85) {
                    o.set(jsonName(c), value(rnd, jsonName(c), c.getGenericType(), f, p, depth + 1));
                }
            }
            return o;
        }
        if (List.class.isAssignableFrom(raw)) {
            Type element = type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
            ArrayNode list = JSON.arrayNode();
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                list.add(value(rnd, singular(name), element, f, p / 2, depth + 1));
            }
            return list;
        }
        if (Map.class.isAssignableFrom(raw)) {
            ObjectNode o = JSON.objectNode();
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                String key = MAP_KEYS.get(rnd.nextInt(MAP_KEYS.size()));
                o.set(key, value(rnd, key, Object.class, f, p, depth + 1));
            }
            return o;
        }
        return leaf(rnd, name, raw, f);
    }

    private static JsonNode leaf(Random rnd, String name, Class<?> raw, Fixture f) {
        String n = name.toLowerCase(Locale.ROOT);
        if (raw == Boolean.class || raw == boolean.class) {
            return JSON.booleanNode(rnd.nextBoolean());
        }
        if (Number.class.isAssignableFrom(raw) || raw.isPrimitive()) {
            long v = switch (n) {
                case "copies", "filesperjob" -> 1;
                case "priority" -> 3;
                case "lifetime", "pin_lifetime", "pinlifetime" -> 3600;
                case "tombstone" -> 0;
                default -> rnd.nextInt(1000);
            };
            return JSON.numberNode(v);
        }
        String text = switch (n) {
            case "scope" -> f.scope();
            case "name", "dataset" -> f.names().get(rnd.nextInt(f.names().size()));
            case "rse", "rse_expression", "rseexpression", "source_replica_expression", "dst_rse" -> f.rse(rnd);
            case "type" -> List.of("DATASET", "CONTAINER", "FILE").get(rnd.nextInt(3));
            case "did", "input", "file" -> f.scope() + ":" + f.names().get(rnd.nextInt(f.names().size()));
            case "account" -> List.of("root", f.user()).get(rnd.nextInt(2));
            case "state" -> List.of("done", "failed", "SUSPENDED", "OK").get(rnd.nextInt(4));
            case "adler32" -> "0000beef";
            case "grouping" -> "DATASET";
            case "deadline" -> "2030-01-01T00:00:00Z";
            case "url" -> "http://localhost:1/hook";
            case "authtype" -> "USERPASS";
            case "taskid", "jobid" -> "fz-task";
            default -> raw == Object.class && rnd.nextBoolean() ? null : "fz-" + rnd.nextInt(100);
        };
        if (text == null) {
            return JSON.numberNode(rnd.nextInt(100));
        }
        return JSON.textNode(text);
    }

    private static String jsonName(RecordComponent c) {
        JsonProperty property = c.getAccessor().getAnnotation(JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : c.getName();
    }

    private static String singular(String name) {
        return name.endsWith("s") ? name.substring(0, name.length() - 1) : name;
    }

    static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> c) {
            return c;
        }
        return Object.class;
    }
}

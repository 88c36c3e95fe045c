package org.stevedore.web.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Request number {@code i} of a run, made from {@code seed} and {@code i} alone, so any one reproduces by itself.
 * Reads (GET) may be anything. Every other request carries at least one defect that must get it refused (the
 * {@link Defect}), on top of whatever else is malformed, so no generated write may succeed: nothing it does may
 * change the store.
 */
final class RequestGenerator {

    /** A request as bytes go on the wire; {@code defect} says why it must be refused (null: it may succeed). */
    record Generated(int index, String method, String target, List<String> headers, byte[] body, Defect defect) {
        String describe() {
            String b = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            return "#" + index + " " + method + " " + abbreviate(target) + " " + headers.stream()
                    .map(RequestGenerator::abbreviate).toList() + " defect=" + defect + " body=" + abbreviate(b);
        }
    }

    enum Defect { NUMBER_OUT_OF_RANGE, MALFORMED_JSON, BAD_PATH_VARIABLE, WRONG_CONTENT_TYPE, BAD_TOKEN, NO_SUCH_METHOD }

    /** Fields whose values the service validates, with values each must refuse (POST and PUT bodies). */
    private static final Map<String, List<JsonNode>> OUT_OF_RANGE = Map.ofEntries(
            Map.entry("AddRuleBody.lifetime", nums(-1, 0, 3_155_760_001L, Long.MAX_VALUE, Values.TWO_64_PLUS_5, 1e300)),
            Map.entry("NewDidBody.lifetime", nums(-1, 3_155_760_001L, Long.MAX_VALUE, Long.MIN_VALUE)),
            Map.entry("AddRuleBody.copies", nums(0, -1, Integer.MIN_VALUE)),
            Map.entry("AddRuleBody.priority", nums(-1, 6, Integer.MAX_VALUE + 1L)),
            Map.entry("FileItem.tombstone", nums(-1, 253_402_300_800L, Long.MAX_VALUE, Long.MIN_VALUE)),
            Map.entry("FileItem.bytes", nums(-1, Long.MIN_VALUE)),
            Map.entry("SubmitBody.pin_lifetime", nums(0, -1, 3_155_760_001L, Long.MAX_VALUE)),
            Map.entry("SubmitBody.window_files", nums(0, -1)),
            Map.entry("SubmitBody.window_bytes", nums(0, Long.MIN_VALUE)),
            Map.entry("SubmitBody.priority", nums(0, 11, -1)),
            Map.entry("TaskRegistration.pinLifetime", nums(0, -1, 3_155_760_001L, Long.MAX_VALUE, Values.TWO_64_PLUS_5)),
            Map.entry("TaskRegistration.priority", nums(-1, 6)),
            Map.entry("Split.filesPerJob", nums(0, -1)),
            Map.entry("LimitBody.bytes", nums(-1, Long.MIN_VALUE)),
            Map.entry("LimitBody.value", nums(-1, Long.MIN_VALUE)),
            Map.entry("LimitBody.max_transfers", nums(-1)),
            Map.entry("LimitBody.max_bytes", nums(-1)),
            Map.entry("UsageBody.used", nums(-1)),
            Map.entry("DistanceBody.distance", nums(-1, Integer.MIN_VALUE)));
    private static final List<JsonNode> RULE_OPTION_LIFETIMES =
            nums(-1, 0, 3_155_760_001L, Long.MAX_VALUE, Values.TWO_64_PLUS_5, 1e300, 1.5);

    private static final List<String> BAD_SEGMENTS = List.of("%01", "a%20b", "x%7F", "%00", "%0A", "..%01",
            "%E2%80%AEx%20y");
    private static final List<String> ODD_SEGMENTS = List.of("..", "%2E%2E", "%2F", "a%2Fb", "%2F..%2F", ".",
            "x".repeat(3000), "%E2%98%83", "%C0%AF", "-1", "9223372036854775808", "%25", "~", "NUL", "a;b", "%3B");
    private static final List<String> TEXT_PARAMS = List.of("", "-1", "0", "10", "9223372036854775808", "abc", "1e3",
            "%zz", "%", "PT1S", "1s", "-5s", "999999999999999999m", "ALL", "JSON", "*", "fz:ds", "%00",
            "(".repeat(3000) + "FZ_SRC" + ")".repeat(3000), "FZ_SRC|".repeat(500) + "FZ_SRC", "tier=1\\FZ_SRC",
            "FZ_SRC&(tier=1|FZ_DST)", "x".repeat(5000), "%E2%98%83");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<Endpoint> endpoints;
    private final Fixture fixture;
    private final long seed;

    RequestGenerator(List<Endpoint> endpoints, Fixture fixture, long seed) {
        this.endpoints = endpoints;
        this.fixture = fixture;
        this.seed = seed;
    }

    Generated generate(int index) {
        Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + index);
        Endpoint e = endpoints.get(rnd.nextInt(endpoints.size()));
        String method = e.method();
        Defect defect = null;
        if (rnd.nextDouble() < 0.05) {
            method = List.of("PATCH", "TRACE", "FOO", "get", "HEAD", "OPTIONS").get(rnd.nextInt(6));
            defect = method.equals("HEAD") || method.equals("OPTIONS") ? null : Defect.NO_SUCH_METHOD;
        }
        boolean write = !List.of("GET", "HEAD", "OPTIONS").contains(method);
        if (write && defect == null) {
            defect = chooseDefect(rnd, e);
        }
        // Path
        StringBuilder path = new StringBuilder(e.pattern());
        String badVariable = defect == Defect.BAD_PATH_VARIABLE ? e.variables().get(rnd.nextInt(e.variables().size())) : null;
        for (String v : e.variables()) {
            String value = v.equals(badVariable) ? BAD_SEGMENTS.get(rnd.nextInt(BAD_SEGMENTS.size()))
                    : rnd.nextDouble() < 0.15 ? ODD_SEGMENTS.get(rnd.nextInt(ODD_SEGMENTS.size()))
                    : encode(plausibleSegment(rnd, v));
            int at = path.indexOf("{" + v + "}");
            path.replace(at, at + v.length() + 2, value);
        }
        String target = path.toString();
        if (rnd.nextDouble() < 0.02) {
            target = target + List.of("%zz", "/%", "//x", "/./", "/../..", "%2e%2e/").get(rnd.nextInt(6));
        }
        target += query(rnd, e);
        // Headers
        List<String> headers = new ArrayList<>();
        headers.addAll(token(rnd, e, defect == Defect.BAD_TOKEN));
        if (rnd.nextDouble() < 0.1) {
            headers.add("X-Rucio-Account: " + List.of("root", fixture.user(), "nobody", "", "A".repeat(300), "r%6Fot")
                    .get(rnd.nextInt(6)));
        }
        if (rnd.nextDouble() < 0.08) {
            headers.add("Accept: " + List.of("text/html", "application/xml", "*/*", "garbage", "application/json;q=0")
                    .get(rnd.nextInt(5)));
        }
        if (rnd.nextDouble() < 0.01) {
            headers.add("X-Padding: " + "p".repeat(rnd.nextBoolean() ? 100 : 10_000));
        }
        // Body
        byte[] body = null;
        if (e.body() != null && (write || rnd.nextDouble() < 0.1)) {
            body = body(rnd, e, method, defect);
            headers.add("Content-Type: " + contentType(rnd, e, defect));
        } else if (rnd.nextDouble() < 0.05) {
            body = Values.raw(Values.malformed(rnd).toString()).getBytes(StandardCharsets.UTF_8);
            headers.add("Content-Type: application/json");
        }
        return new Generated(index, method, target, headers, body, defect);
    }

    private Defect chooseDefect(Random rnd, Endpoint e) {
        List<Defect> possible = new ArrayList<>();
        boolean numbers = !spots(e.body()).isEmpty() && !e.method().equals("DELETE");
        for (int i = 0; i < 4 && numbers; i++) {
            possible.add(Defect.NUMBER_OUT_OF_RANGE);
        }
        if (e.readsJson()) {
            possible.addAll(List.of(Defect.MALFORMED_JSON, Defect.MALFORMED_JSON, Defect.WRONG_CONTENT_TYPE));
        }
        if (!e.variables().isEmpty()) {
            possible.addAll(List.of(Defect.BAD_PATH_VARIABLE, Defect.BAD_PATH_VARIABLE));
        }
        if (!e.open()) {
            possible.add(Defect.BAD_TOKEN);
        }
        return possible.isEmpty() ? null : possible.get(rnd.nextInt(possible.size()));
    }

    private String plausibleSegment(Random rnd, String variable) {
        return switch (variable) {
            case "scope" -> rnd.nextInt(5) == 0 ? "user." + fixture.user() : fixture.scope();
            case "name" -> fixture.names().get(rnd.nextInt(fixture.names().size()));
            case "rse", "source", "dest" -> fixture.rse(rnd);
            case "account" -> List.of("root", fixture.user(), "nobody").get(rnd.nextInt(3));
            case "id" -> rnd.nextBoolean() ? fixture.ruleId() : "fz-none";
            case "key" -> List.of("tier", "k1", "fz").get(rnd.nextInt(3));
            case "scheme" -> List.of("file", "davs", "root").get(rnd.nextInt(3));
            case "hostname" -> "localhost";
            case "port" -> List.of("443", "0", "-1", "99999").get(rnd.nextInt(4));
            default -> "fz-" + rnd.nextInt(10);
        };
    }

    private String query(Random rnd, Endpoint e) {
        List<String> pairs = new ArrayList<>();
        for (String name : e.params().keySet()) {
            if (rnd.nextDouble() < 0.5) {
                String v = TEXT_PARAMS.get(rnd.nextInt(TEXT_PARAMS.size()));
                pairs.add(name + "=" + (v.startsWith("%") ? v : encode(v)));
            }
        }
        if (rnd.nextDouble() < 0.1) {
            pairs.add(List.of("x=1", "=", "&&", "a=%zz", "limit=-1", "%zz=1", "long=1").get(rnd.nextInt(7)));
        }
        return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
    }

    private List<String> token(Random rnd, Endpoint e, boolean bad) {
        double r = rnd.nextDouble();
        if (bad || r < 0.04) {
            return rnd.nextBoolean() ? List.of() : List.of("X-Rucio-Auth-Token: " + List.of("x", "root-0-deadbeef",
                    "t".repeat(4000), "\u00e9t\u00e9", fixture.rootToken() + "x", " ").get(rnd.nextInt(6)));
        }
        return List.of("X-Rucio-Auth-Token: " + (r < 0.82 ? fixture.rootToken() : fixture.userToken()));
    }

    private static String contentType(Random rnd, Endpoint e, Defect defect) {
        if (defect == Defect.WRONG_CONTENT_TYPE) {
            return List.of("application/xml", "image/png", "multipart/form-data; boundary=x", "garbage",
                    "application/x-www-form-urlencoded").get(rnd.nextInt(5));
        }
        if (!e.readsJson()) {
            return "text/plain";
        }
        return rnd.nextDouble() < 0.9 ? "application/json" : "application/json; charset=UTF-8";
    }

    private byte[] body(Random rnd, Endpoint e, String method, Defect defect) {
        if (!e.readsJson()) {
            List<String> lines = List.of(fixture.scope() + ":ds", "# comment", "noscope", ":x", "\u0000", "a:b:c",
                    "x".repeat(300) + ":y");
            StringBuilder text = new StringBuilder();
            for (int i = rnd.nextInt(4); i >= 0; i--) {
                text.append(lines.get(rnd.nextInt(lines.size()))).append('\n');
            }
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }
        JsonNode node = Values.value(rnd, "body", e.body(), fixture, 0.2, 0);
        if (defect == Defect.NUMBER_OUT_OF_RANGE) {
            List<Spot> spots = spots(e.body());
            Spot spot = spots.get(rnd.nextInt(spots.size()));
            node = spot.apply(node, spot.values().get(rnd.nextInt(spot.values().size())));
        }
        String json;
        try {
            json = Values.raw(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
        if (defect == Defect.MALFORMED_JSON) {
            int at = 1 + rnd.nextInt(Math.max(1, json.length() - 1));
            json = rnd.nextBoolean() && json.length() > 1 ? json.substring(0, at) : json.substring(0, at) + "\u0001"
                    + json.substring(at);
            if (rnd.nextDouble() < 0.2) {
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                byte[] broken = new byte[bytes.length + 2];
                System.arraycopy(bytes, 0, broken, 0, bytes.length);
                broken[bytes.length] = (byte) 0xC3;
                broken[bytes.length + 1] = (byte) 0x28;
                return broken;
            }
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** Where in a body of {@code type} a validated field sits, and what it must refuse. */
    private record Spot(List<Object> path, List<JsonNode> values) {
        JsonNode apply(JsonNode root, JsonNode value) {
            JsonNode container = root;
            for (int i = 0; i < path.size(); i++) {
                Object step = path.get(i);
                boolean last = i == path.size() - 1;
                Object next = last ? null : path.get(i + 1);
                if (step instanceof String field) {
                    if (!(container instanceof ObjectNode o)) {
                        return root;
                    }
                    if (last) {
                        o.set(field, value);
                    } else if (!(o.get(field) instanceof ObjectNode) && !(o.get(field) instanceof ArrayNode)) {
                        o.set(field, next instanceof Integer ? Values.JSON.arrayNode() : Values.JSON.objectNode());
                    }
                    container = o.get(field);
                } else {
                    if (!(container instanceof ArrayNode a)) {
                        return root;
                    }
                    if (a.isEmpty() || !(a.get(0) instanceof ObjectNode)) {
                        a.insertObject(0);
                    }
                    container = a.get(0);
                }
            }
            return root;
        }
    }

    private static List<Spot> spots(Type type) {
        List<Spot> spots = new ArrayList<>();
        collect(type, new ArrayList<>(), spots, 0);
        return spots;
    }

    private static void collect(Type type, List<Object> path, List<Spot> spots, int depth) {
        Class<?> raw = Values.raw(type);
        if (depth > 3 || type == null) {
            return;
        }
        if (List.class.isAssignableFrom(raw) && type instanceof ParameterizedType pt) {
            List<Object> next = new ArrayList<>(path);
            next.add(0);
            collect(pt.getActualTypeArguments()[0], next, spots, depth + 1);
            return;
        }
        if (!raw.isRecord()) {
            return;
        }
        for (RecordComponent c : raw.getRecordComponents()) {
            List<Object> next = new ArrayList<>(path);
            next.add(c.getName());
            List<JsonNode> values = OUT_OF_RANGE.get(raw.getSimpleName() + "." + c.getName());
            if (values != null) {
                spots.add(new Spot(next, values));
            } else if (raw.getSimpleName().equals("UpdateBody") && c.getName().equals("options")) {
                next.add("lifetime");
                spots.add(new Spot(next, RULE_OPTION_LIFETIMES));
            } else {
                collect(c.getGenericType(), next, spots, depth + 1);
            }
        }
    }

    private static List<JsonNode> nums(Object... values) {
        List<JsonNode> out = new ArrayList<>();
        for (Object v : values) {
            if (v instanceof Integer i) {
                out.add(Values.JSON.numberNode(i));
            } else if (v instanceof Long l) {
                out.add(Values.JSON.numberNode(l));
            } else if (v instanceof Double d) {
                out.add(Values.JSON.numberNode(d));
            } else {
                out.add(Values.JSON.numberNode((BigInteger) v));
            }
        }
        return List.copyOf(out);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String abbreviate(String s) {
        String flat = s.replaceAll("[\\x00-\\x1f]", "?");
        return flat.length() > 300 ? flat.substring(0, 300) + "...(" + flat.length() + ")" : flat;
    }
}

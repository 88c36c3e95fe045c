package org.stevedore.web.replica;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.replica.BadReplica;
import org.stevedore.catalog.replica.BadReplicaStore;
import org.stevedore.catalog.replica.BadState;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.web.api.Created;
import org.stevedore.web.api.JsonStream;
import org.stevedore.web.api.RequestLimits;
import org.stevedore.web.api.RucioCompatible;
import org.stevedore.web.api.RucioDates;
import org.stevedore.web.auth.Caller;

/**
 * Rucio's endpoints for bad, suspicious and temporarily unavailable replicas ({@code /replicas/bad},
 * {@code /replicas/suspicious}, {@code /replicas/bad/pfns}, {@code /replicas/bad/states},
 * {@code /replicas/bad/summary}); who may declare is {@link BadReplicaGateway}'s to decide.
 */
@RucioCompatible
@RestController
@RequestMapping("/replicas")
public class BadReplicaController {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DeclareBody(List<Object> replicas, List<Object> pfns, String reason, Boolean force, String state,
                       Object expires_at) {
    }

    private static final int DEFAULT_LIMIT = 10_000;

    private final BadReplicaGateway gateway;
    private final BadReplicaStore declarations;
    private final RseExpressionResolver expressions;
    private final RequestLimits limits;
    private final ObjectMapper mapper;

    public BadReplicaController(BadReplicaGateway gateway, BadReplicaStore declarations,
                                RseExpressionResolver expressions, RequestLimits limits, ObjectMapper mapper) {
        this.gateway = gateway;
        this.declarations = declarations;
        this.expressions = expressions;
        this.limits = limits;
        this.mapper = mapper;
    }

    @PostMapping({"/bad", "/bad/"})
    public ResponseEntity<Map<String, List<String>>> declareBad(@RequestBody DeclareBody body, Caller caller) {
        List<Object> given = body == null ? null
                : body.replicas() != null && !body.replicas().isEmpty() ? body.replicas() : body.pfns();
        List<BadReplicaStore.Item> items = items(given);
        return ResponseEntity.status(HttpStatus.CREATED).body(gateway.declareBad(caller, items, reason(body),
                Boolean.TRUE.equals(body.force())));
    }

    @PostMapping({"/suspicious", "/suspicious/"})
    public ResponseEntity<Map<String, List<String>>> declareSuspicious(@RequestBody DeclareBody body, Caller caller) {
        List<BadReplicaStore.Item> items = items(body == null ? null : body.pfns());
        if (items.stream().anyMatch(i -> i.pfn() == null)) {
            throw new InvalidObject("Suspicious replicas are given as PFNs: {\"pfns\": [...], \"reason\": ...}");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(gateway.declareSuspicious(caller, items, reason(body)));
    }

    @PostMapping({"/bad/pfns", "/bad/pfns/"})
    public ResponseEntity<String> addBadPfns(@RequestBody DeclareBody body, Caller caller) {
        List<BadReplicaStore.Item> items = items(body == null ? null : body.pfns());
        if (items.stream().anyMatch(i -> i.pfn() == null)) {
            throw new InvalidObject("Bad PFNs are given as PFNs: {\"pfns\": [...], \"state\": ..., \"reason\": ...}");
        }
        BadState state = BadState.parse(body.state() == null ? "BAD" : body.state());
        gateway.addBadPfns(caller, items, state, reason(body), Dates.parse("expires_at", body.expires_at()));
        return Created.response();
    }

    /** Replicas declared suspicious at least {@code nattempts} times since {@code younger_than}: a JSON list. */
    @GetMapping({"/suspicious", "/suspicious/"})
    public List<Map<String, Object>> suspicious(@RequestParam(name = "rse_expression", required = false) String rses,
                                                @RequestParam(name = "younger_than", required = false) String younger,
                                                @RequestParam(name = "nattempts", required = false) Integer attempts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (BadReplicaStore.Suspicious s : declarations.suspicious(rseIds(rses), Dates.parse("younger_than", younger),
                attempts == null ? 0 : attempts, DEFAULT_LIMIT)) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("scope", s.scope());
            doc.put("name", s.name());
            doc.put("rse", s.rse());
            doc.put("rse_id", s.rseId());
            doc.put("cnt", s.count());
            doc.put("created_at", RucioDates.rfc1123(s.createdAt()));
            out.add(doc);
        }
        return out;
    }

    /** Declarations, newest first, one JSON document per line. */
    @GetMapping({"/bad/states", "/bad/states/"})
    public void states(@RequestParam(name = "state", required = false) String state,
                       @RequestParam(name = "rse", required = false) String rse,
                       @RequestParam(name = "younger_than", required = false) String younger,
                       @RequestParam(name = "older_than", required = false) String older,
                       @RequestParam(name = "limit", required = false) Integer limit, HttpServletResponse response) {
        if (limit != null && limit < 1) {
            throw new InvalidObject("'limit' must be at least 1, got " + limit);
        }
        List<BadReplica> found = declarations.list(state == null || state.isBlank() ? null : BadState.parse(state),
                rse, Dates.parse("younger_than", younger), Dates.parse("older_than", older),
                limit == null ? DEFAULT_LIMIT : Math.min(limit, DEFAULT_LIMIT));
        JsonStream.respond(mapper, response, out -> found.forEach(b -> {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("scope", b.scope());
            doc.put("name", b.name());
            doc.put("rse", b.rse());
            doc.put("rse_id", b.rseId());
            doc.put("state", b.state().name());
            doc.put("reason", b.reason());
            doc.put("account", b.account());
            doc.put("created_at", RucioDates.rfc1123(b.createdAt()));
            doc.put("updated_at", RucioDates.rfc1123(b.updatedAt()));
            doc.put("expires_at", b.expiresAt() == null ? null : RucioDates.rfc1123(b.expiresAt()));
            out.accept(doc);
        }));
    }

    /** Declarations per RSE, day and reason, counted by state, one JSON document per line. */
    @GetMapping({"/bad/summary", "/bad/summary/"})
    public void summary(@RequestParam(name = "rse_expression", required = false) String rses,
                        @RequestParam(name = "from_date", required = false) String from,
                        @RequestParam(name = "to_date", required = false) String to, HttpServletResponse response) {
        List<BadReplicaStore.Summary> rows = declarations.summary(rseIds(rses), Dates.parse("from_date", from),
                Dates.parse("to_date", to));
        JsonStream.respond(mapper, response, out -> rows.forEach(s -> {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("rse", s.rse());
            doc.put("rse_id", s.rseId());
            doc.put("created_at", RucioDates.rfc1123(s.createdAt()));
            doc.put("reason", s.reason());
            for (BadState state : BadState.values()) {
                doc.put(state.name(), s.counts().getOrDefault(state, 0L));
            }
            out.accept(doc);
        }));
    }

    private List<String> rseIds(String expression) {
        return expression == null || expression.isBlank() ? null
                : expressions.resolve(expression).stream().map(Rse::id).toList();
    }

    private static String reason(DeclareBody body) {
        return body.reason() == null || body.reason().isBlank() ? null : body.reason();
    }

    /** PFNs (strings) or {scope, name, rse} objects, never mixed; the store refuses a mix too. */
    private List<BadReplicaStore.Item> items(List<Object> given) {
        if (given == null || given.isEmpty()) {
            throw new InvalidObject("Request body must name replicas: {\"replicas\": [PFN, ...] or "
                    + "[{\"scope\", \"name\", \"rse\"}, ...], \"reason\": ...}");
        }
        limits.requireAtMost("replicas", given.size());
        List<BadReplicaStore.Item> items = new ArrayList<>(given.size());
        for (Object o : given) {
            if (o instanceof String pfn && !pfn.isBlank()) {
                items.add(BadReplicaStore.Item.pfn(pfn));
            } else if (o instanceof Map<?, ?> m && m.get("scope") instanceof String scope
                    && m.get("name") instanceof String name && m.get("rse") instanceof String rse) {
                items.add(BadReplicaStore.Item.of(scope, name, rse));
            } else {
                throw new InvalidObject("A replica must be a PFN or {\"scope\", \"name\", \"rse\"}, not " + o);
            }
        }
        return items;
    }
}

package org.stevedore.web.rse;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseDistance;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseLimitStore;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseUsageStore;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.web.api.Created;
import org.stevedore.web.api.JsonStream;
import org.stevedore.web.api.RucioCompatible;
import org.stevedore.web.api.RucioDates;
import org.stevedore.web.auth.Caller;

/**
 * RSEs with their attributes, protocols, distances, limits and usage, at Rucio's paths; whether a caller may change
 * them is {@link RseGateway}'s to decide.
 */
@RucioCompatible
@RestController
public class RseController {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ValueBody(Object value) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DistanceBody(Integer distance, Integer ranking) {
        int value() {
            Integer v = distance != null ? distance : ranking;
            if (v == null) {
                throw new InvalidObject("Request body must give the distance: {\"distance\": N}");
            }
            return v;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record LimitBody(String name, Long value) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record UsageBody(String source, Long used, Long free, Long files) {
    }

    private final RseStore rses;
    private final RseProtocolStore protocols;
    private final RseDistanceStore distances;
    private final RseLimitStore limits;
    private final RseUsageStore usage;
    private final RseExpressionResolver expressions;
    private final ObjectMapper mapper;
    private final RseGateway gateway;

    public RseController(RseStore rses, RseProtocolStore protocols, RseDistanceStore distances, RseLimitStore limits,
                         RseUsageStore usage, RseExpressionResolver expressions, ObjectMapper mapper, RseGateway gateway) {
        this.gateway = gateway;
        this.rses = rses;
        this.protocols = protocols;
        this.distances = distances;
        this.limits = limits;
        this.usage = usage;
        this.expressions = expressions;
        this.mapper = mapper;
    }

    /**
     * Every RSE, or those an RSE expression selects; like Rucio, an expression that does not parse or selects nothing
     * is a 400 InvalidRSEExpression. An empty expression lists everything, as no expression does.
     */
    @GetMapping({"/rses", "/rses/"})
    public void list(@RequestParam(required = false) String expression, HttpServletResponse response) {
        List<Rse> selected = expression == null || expression.isEmpty() ? rses.list()
                : expressions.resolve(expression);
        JsonStream.respond(mapper, response, out -> selected.forEach(r -> out.accept(RseDocuments.summary(r))));
    }

    @GetMapping("/rses/{rse}")
    public Map<String, Object> get(@PathVariable String rse) {
        return RseDocuments.info(rses.get(rse), protocols.list(rse));
    }

    @PostMapping("/rses/{rse}")
    public ResponseEntity<String> add(@PathVariable String rse,
                                      @RequestBody(required = false) Map<String, Object> body, Caller caller) {
        gateway.requireAdd(caller, rse);
        rses.add(rse, RseDocuments.settings(body));
        return Created.response();
    }

    @PutMapping("/rses/{rse}")
    public ResponseEntity<String> update(@PathVariable String rse, @RequestBody Map<String, Object> body,
                                         Caller caller) {
        gateway.requireUpdate(caller, rse);
        Map<String, Object> settings = RseDocuments.settings(body);
        if (settings.isEmpty()) {
            throw new InvalidObject("Request body must give at least one setting to change");
        }
        rses.update(rse, settings);
        return Created.response();
    }

    @DeleteMapping("/rses/{rse}")
    public void delete(@PathVariable String rse, Caller caller) {
        gateway.delete(caller, rse);
    }

    // ---- attributes ----

    @GetMapping({"/rses/{rse}/attr", "/rses/{rse}/attr/"})
    public Map<String, Object> attributes(@PathVariable String rse) {
        return rses.attributes(rse);
    }

    @PostMapping("/rses/{rse}/attr/{key}")
    public ResponseEntity<String> setAttribute(@PathVariable String rse, @PathVariable String key,
                                               @RequestBody ValueBody body, Caller caller) {
        gateway.requireSetAttribute(caller, rse);
        if (body == null || body.value() == null) {
            throw new InvalidObject("Request body must carry a value: {\"value\": ...}");
        }
        Object value = body.value();
        if (value instanceof Integer i) {
            value = i.longValue();
        }
        if (!(value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Double)) {
            throw new InvalidObject("Attribute '" + key + "' must be a string, number or boolean");
        }
        rses.setAttribute(rse, key, value);
        return Created.response();
    }

    @DeleteMapping("/rses/{rse}/attr/{key}")
    public void deleteAttribute(@PathVariable String rse, @PathVariable String key, Caller caller) {
        gateway.deleteAttribute(caller, rse, key);
    }

    // ---- protocols ----

    @GetMapping({"/rses/{rse}/protocols", "/rses/{rse}/protocols/"})
    public Map<String, Object> protocols(@PathVariable String rse) {
        return RseDocuments.info(rses.get(rse), protocols.list(rse));
    }

    @GetMapping("/rses/{rse}/protocols/{scheme}")
    public Map<String, Object> protocolsOf(@PathVariable String rse, @PathVariable String scheme) {
        return RseDocuments.info(rses.get(rse), protocols.get(rse, scheme));
    }

    @PostMapping("/rses/{rse}/protocols/{scheme}")
    public ResponseEntity<String> addProtocol(@PathVariable String rse, @PathVariable String scheme,
                                              @RequestBody Map<String, Object> body, Caller caller) {
        gateway.requireUpdate(caller, rse);
        if (body == null) {
            throw new InvalidObject("Request body must describe the protocol: {\"hostname\", \"port\", \"prefix\", \"domains\"}");
        }
        Map<String, Object> doc = new LinkedHashMap<>(body);
        if (doc.get("scheme") != null && !scheme.equals(doc.get("scheme"))) {
            throw new InvalidObject("Scheme in the path ('" + scheme + "') and in the body ('" + doc.get("scheme") + "') differ");
        }
        doc.put("scheme", scheme);
        protocols.add(rse, doc);
        return Created.response();
    }

    @PutMapping({"/rses/{rse}/protocols/{scheme}", "/rses/{rse}/protocols/{scheme}/{hostname}",
            "/rses/{rse}/protocols/{scheme}/{hostname}/{port}"})
    public void updateProtocol(@PathVariable String rse, @PathVariable String scheme,
                               @PathVariable(required = false) String hostname, @PathVariable(required = false) Integer port,
                               @RequestBody Map<String, Object> body, Caller caller) {
        gateway.requireUpdate(caller, rse);
        if (body == null || body.isEmpty()) {
            throw new InvalidObject("Request body must give the protocol settings to change");
        }
        protocols.update(rse, scheme, hostname, port, body);
    }

    @DeleteMapping({"/rses/{rse}/protocols/{scheme}", "/rses/{rse}/protocols/{scheme}/{hostname}",
            "/rses/{rse}/protocols/{scheme}/{hostname}/{port}"})
    public void deleteProtocol(@PathVariable String rse, @PathVariable String scheme,
                               @PathVariable(required = false) String hostname, @PathVariable(required = false) Integer port,
                               Caller caller) {
        gateway.deleteProtocol(caller, rse, scheme, hostname, port);
    }

    // ---- distances ----

    @GetMapping("/rses/{source}/distances/{dest}")
    public List<Map<String, Object>> distance(@PathVariable String source, @PathVariable String dest) {
        rses.get(source);
        rses.get(dest);
        return distances.get(source, dest).map(d -> List.of(RseDocuments.distance(d))).orElse(List.of());
    }

    @PostMapping("/rses/{source}/distances/{dest}")
    public ResponseEntity<String> addDistance(@PathVariable String source, @PathVariable String dest,
                                              @RequestBody DistanceBody body, Caller caller) {
        gateway.requireUpdate(caller, source);
        if (body == null) {
            throw new InvalidObject("Request body must give the distance: {\"distance\": N}");
        }
        distances.add(source, dest, body.value());
        return Created.response();
    }

    @PutMapping("/rses/{source}/distances/{dest}")
    public void updateDistance(@PathVariable String source, @PathVariable String dest,
                               @RequestBody DistanceBody body, Caller caller) {
        gateway.requireUpdate(caller, source);
        if (body == null) {
            throw new InvalidObject("Request body must give the distance: {\"distance\": N}");
        }
        distances.update(source, dest, body.value());
    }

    @DeleteMapping("/rses/{source}/distances/{dest}")
    public void deleteDistance(@PathVariable String source, @PathVariable String dest, Caller caller) {
        gateway.deleteDistance(caller, source, dest);
    }

    // ---- limits and usage ----

    @GetMapping({"/rses/{rse}/limits", "/rses/{rse}/limits/"})
    public Map<String, Long> limits(@PathVariable String rse) {
        return limits.list(rse);
    }

    @PutMapping({"/rses/{rse}/limits", "/rses/{rse}/limits/"})
    public void setLimit(@PathVariable String rse, @RequestBody LimitBody body, Caller caller) {
        gateway.requireSetLimit(caller, rse);
        if (body == null || body.name() == null || body.value() == null) {
            throw new InvalidObject("Request body must be {\"name\": ..., \"value\": N}");
        }
        limits.set(rse, body.name(), body.value());
    }

    @DeleteMapping({"/rses/{rse}/limits", "/rses/{rse}/limits/"})
    public void deleteLimit(@PathVariable String rse, @RequestBody LimitBody body, Caller caller) {
        gateway.requireSetLimit(caller, rse);
        if (body == null || body.name() == null) {
            throw new InvalidObject("Request body must be {\"name\": ...}");
        }
        limits.delete(rse, body.name());
    }

    @GetMapping({"/rses/{rse}/usage", "/rses/{rse}/usage/"})
    public void usage(@PathVariable String rse, HttpServletResponse response) {
        var list = usage.list(rse);
        JsonStream.respond(mapper, response, out -> list.forEach(u -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rse_id", u.rseId());
            m.put("rse", u.rse());
            m.put("source", u.source());
            m.put("used", u.used());
            m.put("free", u.free());
            m.put("total", u.total());
            m.put("files", u.files());
            m.put("updated_at", RucioDates.rfc1123(u.updatedAt()));
            out.accept(m);
        }));
    }

    @PutMapping({"/rses/{rse}/usage", "/rses/{rse}/usage/"})
    public void setUsage(@PathVariable String rse, @RequestBody UsageBody body, Caller caller) {
        gateway.requireUpdate(caller, rse);
        if (body == null || body.source() == null || body.used() == null) {
            throw new InvalidObject("Request body must be {\"source\": ..., \"used\": N, \"free\": N, \"files\": N}");
        }
        usage.set(rse, body.source(), body.used(), body.free(), body.files());
    }


}

package org.stevedore.web.rule;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.transfer.store.RequestStore;
import org.stevedore.web.api.JsonStream;
import org.stevedore.web.api.RucioCompatible;
import org.stevedore.web.api.RucioDates;

/** Transfer requests at Rucio's paths. */
@RucioCompatible
@RestController
public class RequestController {

    private static final List<String> STATES = List.of("QUEUED", "WAITING", "SUBMITTING", "SUBMITTED", "ARCHIVING", "DONE", "FAILED", "LOST");

    private final RequestStore requests;
    private final RseStore rses;
    private final ObjectMapper mapper;

    public RequestController(RequestStore requests, RseStore rses, ObjectMapper mapper) {
        this.requests = requests;
        this.rses = rses;
        this.mapper = mapper;
    }

    /** The request of a file towards an RSE, as {@code rucio} shows it. */
    @GetMapping("/requests/{scope}/{name}/{rse}")
    public List<Map<String, Object>> of(@PathVariable String scope, @PathVariable String name, @PathVariable String rse) {
        DidRef did = DidRef.of(scope, name);
        rses.get(rse);
        List<RequestStore.Request> found = requests.of(did.key(), rse);
        if (found.isEmpty()) {
            throw new org.stevedore.transfer.error.RequestNotFound("No request of '" + did + "' towards '" + rse + "'");
        }
        return found.stream().map(RequestController::document).toList();
    }

    @GetMapping({"/requests/list", "/requests/list/"})
    public void list(@RequestParam(required = false) String state, @RequestParam(name = "dst_rse", required = false) String rse,
                     @RequestParam(required = false, defaultValue = "0") long limit, HttpServletResponse response) {
        if (state != null && !STATES.contains(state)) {
            throw new InvalidObject("Unknown request state '" + state + "' (expected one of " + STATES + ")");
        }
        if (rse != null) {
            rses.get(rse);
        }
        JsonStream.respond(mapper, response, out -> requests.list(state, rse, limit, r -> out.accept(document(r))));
    }

    static Map<String, Object> document(RequestStore.Request r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("request_type", r.requestType());
        m.put("scope", r.scope());
        m.put("name", r.name());
        m.put("dest_rse", r.destRse());
        m.put("source_rse", r.sourceRse());
        m.put("state", r.state());
        m.put("activity", r.activity());
        m.put("priority", r.priority());
        m.put("bytes", r.bytes());
        m.put("retry_count", r.retryCount());
        m.put("external_id", r.externalId());
        m.put("external_host", r.externalHost());
        m.put("err_msg", r.error());
        m.put("created_at", RucioDates.rfc1123(r.createdAt()));
        m.put("updated_at", RucioDates.rfc1123(r.updatedAt()));
        m.put("submitted_at", RucioDates.rfc1123(r.submittedAt()));
        m.put("transferred_at", RucioDates.rfc1123(r.transferredAt()));
        return m;
    }
}

package org.stevedore.web.rule;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.naming.Names;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.web.api.JsonStream;
import org.stevedore.web.api.RucioCompatible;
import org.stevedore.web.api.RucioDates;
import org.stevedore.web.auth.Caller;

/** Replication rules and locks at Rucio's paths; adding, changing and deleting go through {@link RuleGateway}. */
@RucioCompatible
@RestController
public class RuleController {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record UpdateBody(Map<String, Object> options) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DeleteBody(Boolean purge_replicas) {
    }

    private final RuleService service;
    private final RuleGateway gateway;
    private final RuleQueries rules;
    private final RseStore rses;
    private final ObjectMapper mapper;
    private final AddRuleBodies bodies;

    public RuleController(RuleService service, RuleGateway gateway, RuleQueries rules, RseStore rses,
                          ObjectMapper mapper, AddRuleBodies bodies) {
        this.service = service;
        this.gateway = gateway;
        this.rules = rules;
        this.rses = rses;
        this.mapper = mapper;
        this.bodies = bodies;
    }

    /** Answers 201 with the JSON list of the new rule ids, as the Rucio client expects. */
    @PostMapping({"/rules", "/rules/"})
    public ResponseEntity<List<String>> add(@RequestBody AddRuleBodies.Body body, Caller caller) {
        List<String> ids = gateway.add(caller, bodies.request(body));
        return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON).body(ids);
    }

    @GetMapping("/rules/{id}")
    public Map<String, Object> get(@PathVariable String id) {
        return document(service.get(id));
    }

    @PutMapping("/rules/{id}")
    public void update(@PathVariable String id, @RequestBody UpdateBody body, Caller caller) {
        if (body == null || body.options() == null) {
            throw new InvalidObject("Request body must be {\"options\": {...}}");
        }
        gateway.update(caller, id, body.options());
    }

    @DeleteMapping("/rules/{id}")
    public void delete(@PathVariable String id, @RequestBody(required = false) DeleteBody body, Caller caller) {
        gateway.delete(caller, id, body == null ? null : body.purge_replicas());
    }

    @GetMapping("/rules/{id}/locks")
    public void locks(@PathVariable String id, HttpServletResponse response) {
        service.get(id);
        JsonStream.respond(mapper, response, out -> rules.locksOfRule(id, l -> out.accept(lock(l))));
    }

    @GetMapping({"/rules", "/rules/"})
    public void list(@RequestParam(required = false) String scope, @RequestParam(required = false) String name,
                     @RequestParam(required = false) String account, @RequestParam(required = false) String state,
                     HttpServletResponse response) {
        RuleState s = null;
        if (state != null && !state.isBlank()) {
            try {
                s = RuleState.valueOf(state.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidObject("Unknown rule state '" + state + "'");
            }
        }
        RuleQueries.Filter filter = new RuleQueries.Filter(scope, name, account, s, null);
        JsonStream.respond(mapper, response, out -> rules.list(filter, r -> out.accept(document(r))));
    }

    @GetMapping("/dids/{scope}/{name}/rules")
    public void rulesOfDid(@PathVariable String scope, @PathVariable String name, HttpServletResponse response) {
        DidRef did = DidRef.of(scope, name);
        RuleQueries.Filter filter = new RuleQueries.Filter(null, null, null, null, did.key());
        JsonStream.respond(mapper, response, out -> rules.list(filter, r -> out.accept(document(r))));
    }

    @GetMapping("/accounts/{account}/rules")
    public void rulesOfAccount(@PathVariable String account, HttpServletResponse response) {
        RuleQueries.Filter filter = new RuleQueries.Filter(null, null, Names.account(account), null, null);
        JsonStream.respond(mapper, response, out -> rules.list(filter, r -> out.accept(document(r))));
    }

    @GetMapping("/locks/{rse}")
    public void locksAtRse(@PathVariable String rse, HttpServletResponse response) {
        String id = rses.get(rse).id();
        JsonStream.respond(mapper, response, out -> rules.locksAtRse(id, l -> out.accept(lock(l))));
    }

    @GetMapping("/locks/{scope}/{name}")
    public void locksOfDid(@PathVariable String scope, @PathVariable String name, HttpServletResponse response) {
        DidRef did = DidRef.of(scope, name);
        JsonStream.respond(mapper, response, out -> rules.locksOfDid(did.key(), l -> out.accept(lock(l))));
    }

    static Map<String, Object> document(Rule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("subscription_id", null);
        m.put("account", r.account());
        m.put("scope", r.scope());
        m.put("name", r.name());
        m.put("did_type", r.didType().name());
        m.put("state", r.state().name());
        m.put("error", r.error());
        m.put("rse_expression", r.rseExpression());
        m.put("copies", r.copies());
        m.put("expires_at", RucioDates.rfc1123(r.expiresAt()));
        m.put("weight", r.weight());
        m.put("locked", r.locked());
        m.put("locks_ok_cnt", r.locksOk());
        m.put("locks_replicating_cnt", r.locksReplicating());
        m.put("locks_stuck_cnt", r.locksStuck());
        m.put("source_replica_expression", r.sourceReplicaExpression());
        m.put("activity", r.activity() == null ? "User Subscriptions" : r.activity());
        m.put("grouping", r.grouping().name());
        m.put("notification", r.notification().name());
        m.put("stuck_at", RucioDates.rfc1123(r.stuckAt()));
        m.put("purge_replicas", r.purgeReplicas());
        m.put("ignore_availability", r.ignoreAvailability());
        m.put("ignore_account_limit", false);
        m.put("priority", r.priority());
        m.put("comments", r.comment());
        m.put("child_rule_id", null);
        m.put("eol_at", null);
        m.put("split_container", false);
        m.put("meta", r.meta());
        m.put("bytes", r.bytes());
        m.put("created_at", RucioDates.rfc1123(r.createdAt()));
        m.put("updated_at", RucioDates.rfc1123(r.updatedAt()));
        return m;
    }

    static Map<String, Object> lock(RuleQueries.Lock l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", l.scope());
        m.put("name", l.name());
        m.put("rse_id", l.rseId());
        m.put("rse", l.rse());
        m.put("state", l.state().name());
        m.put("rule_id", l.ruleId());
        m.put("account", l.account());
        m.put("bytes", l.bytes());
        m.put("error", l.error());
        m.put("created_at", RucioDates.rfc1123(l.createdAt()));
        m.put("updated_at", RucioDates.rfc1123(l.updatedAt()));
        return m;
    }
}

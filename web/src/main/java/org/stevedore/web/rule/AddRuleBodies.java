package org.stevedore.web.rule;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.web.api.RequestLimits;

/**
 * The body of {@code POST /rules/} (Rucio's add_replication_rule fields) and its parsing into the engine's request,
 * shared by the rule's creation, its dry run and the web UI's form, so that all three refuse a body alike.
 */
@Component
public class AddRuleBodies {

    /** A DID of the rule. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DidItem(String scope, String name) {
    }

    /** The body, field for field as the Rucio client sends it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Body(List<DidItem> dids, String account, Integer copies, String rse_expression, String weight,
                       Long lifetime, String grouping, Boolean locked, String source_replica_expression,
                       String activity, @JsonProperty("notify") String notification, Boolean purge_replicas,
                       Boolean ignore_availability, String comment, Boolean ask_approval, Boolean asynchronous,
                       Integer priority, Object meta) {
    }

    private final ObjectMapper mapper;
    private final RequestLimits limits;

    public AddRuleBodies(ObjectMapper mapper, RequestLimits limits) {
        this.mapper = mapper;
        this.limits = limits;
    }

    /** The engine's request from a body; refuses what the body gets wrong before any lookup. */
    public RuleRequest request(Body body) {
        if (body == null) {
            throw new InvalidObject("Request body must describe the rule: {\"dids\", \"copies\", \"rse_expression\"}");
        }
        List<DidRef> dids = new ArrayList<>();
        if (body.dids() != null) {
            // Before any lookup or permission check: each DID costs both.
            limits.requireRuleDids(body.dids().size());
            RequestLimits.requireDistinct("DID", body.dids(), d -> RequestLimits.didKey(d.scope(), d.name()));
            for (DidItem d : body.dids()) {
                if (d == null) {
                    throw new InvalidObject("A DID of the rule is null");
                }
                dids.add(DidRef.of(d.scope(), d.name()));
            }
        }
        String meta = null;
        if (body.meta() != null) {
            try {
                meta = body.meta() instanceof String s ? s : mapper.writeValueAsString(body.meta());
            } catch (JsonProcessingException e) {
                throw new InvalidObject("'meta' must be JSON");
            }
        }
        return new RuleRequest(dids, body.account(), body.copies(), body.rse_expression(), body.weight(),
                body.lifetime(), body.grouping(), body.locked(), body.source_replica_expression(), body.activity(),
                body.notification(), body.purge_replicas(), body.ignore_availability(), body.comment(),
                body.ask_approval(), body.asynchronous(), body.priority(), meta);
    }
}

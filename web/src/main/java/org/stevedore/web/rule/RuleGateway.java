package org.stevedore.web.rule;

import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.store.Rule;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * The rules engine's gateway, as Rucio's gateway layer: whether this caller may add, change or delete a rule, decided
 * here through the permission policy, and then the engine's call. Controllers parse the request, call the gateway and
 * map its answer; no permission check of rules is made anywhere else.
 */
@Component
public class RuleGateway {

    private final Permissions permissions;
    private final RuleService service;

    public RuleGateway(Permissions permissions, RuleService service) {
        this.permissions = permissions;
        this.service = service;
    }

    /**
     * add_rule on every DID of the request (for the rule's account), then the rules; nothing is written when one is
     * refused.
     *
     * @throws org.stevedore.catalog.error.AccessDenied when the caller may not add a rule on one of the DIDs
     */
    public List<String> add(Caller caller, RuleRequest request) {
        for (DidRef did : request.dids()) {
            permissions.require(caller, Action.ADD_RULE, Target.newRule(did.scope(), request.account()));
        }
        return service.add(request, caller.account());
    }

    /** update_rule, judged on the rule's account and scope (404 before 403: the rule must exist). */
    public void update(Caller caller, String id, Map<String, Object> options) {
        Rule rule = service.get(id);
        permissions.require(caller, Action.UPDATE_RULE, Target.rule(rule.account(), rule.scope()));
        service.update(id, options);
    }

    /** delete_rule, judged on the rule's account and scope (404 before 403: the rule must exist). */
    public void delete(Caller caller, String id, Boolean purgeReplicas) {
        Rule rule = service.get(id);
        permissions.require(caller, Action.DELETE_RULE, Target.rule(rule.account(), rule.scope()));
        service.delete(id, purgeReplicas);
    }
}

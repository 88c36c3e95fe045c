package org.stevedore.web.rule;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.rules.error.InvalidRSEExpression;
import org.stevedore.rules.evaluation.RuleDryRun;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
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

    /** The RSE attribute naming, comma-separated, the accounts that may approve or deny rules on the RSE (Rucio's). */
    public static final String RULE_APPROVERS = "rule_approvers";

    private final Permissions permissions;
    private final RuleService service;
    private final RseExpressionResolver expressions;

    public RuleGateway(Permissions permissions, RuleService service, RseExpressionResolver expressions) {
        this.permissions = permissions;
        this.service = service;
        this.expressions = expressions;
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

    /**
     * The dry run of {@link #add}: the same add_rule checks on every DID, then the plan, written nowhere.
     *
     * @throws org.stevedore.catalog.error.AccessDenied when the caller may not add a rule on one of the DIDs
     */
    public RuleDryRun.Plan dryRun(Caller caller, RuleRequest request) {
        for (DidRef did : request.dids()) {
            permissions.require(caller, Action.ADD_RULE, Target.newRule(did.scope(), request.account()));
        }
        return service.dryRun(request, caller.account());
    }

    /**
     * Each option judged on its own before anything is written (404 before 403: the rule must exist):
     * {@code approve} (true approves, false denies) and the {@code comment} that goes with it as approve_rule,
     * every other option as update_rule, which leaves some options to admins. One refused option refuses the whole
     * change.
     */
    public void update(Caller caller, String id, Map<String, Object> options) {
        Rule rule = service.get(id);
        boolean approval = options.containsKey("approve");
        Set<String> approvers = approval ? approvers(rule) : Set.of();
        for (String option : options.keySet()) {
            if (approval && (option.equals("approve") || option.equals("comment"))) {
                permissions.require(caller, Action.APPROVE_RULE,
                        Target.ruleApproval(rule.account(), rule.scope(), approvers));
            } else {
                permissions.require(caller, Action.UPDATE_RULE, Target.ruleOption(rule.account(), rule.scope(), option));
            }
        }
        service.update(id, options);
    }

    /** The accounts named in {@value #RULE_APPROVERS} by any RSE the rule's expression selects today. */
    private Set<String> approvers(Rule rule) {
        try {
            return expressions.resolveWithAttributes(rule.rseExpression()).stream()
                    .map(r -> r.attributes().get(RULE_APPROVERS))
                    .filter(v -> v != null)
                    .flatMap(v -> Arrays.stream(String.valueOf(v).split(",")))
                    .map(String::trim)
                    .filter(a -> !a.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
        } catch (InvalidRSEExpression e) {
            return Set.of(); // its RSEs are gone: only admins may decide
        }
    }

    /** delete_rule, judged on the rule's account and scope (404 before 403: the rule must exist). */
    public void delete(Caller caller, String id, Boolean purgeReplicas) {
        Rule rule = service.get(id);
        permissions.require(caller, Action.DELETE_RULE, Target.rule(rule.account(), rule.scope()));
        service.delete(id, purgeReplicas);
    }
}

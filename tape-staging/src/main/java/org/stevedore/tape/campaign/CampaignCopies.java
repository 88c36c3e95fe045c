package org.stevedore.tape.campaign;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseType;
import org.stevedore.rules.error.RuleNotFound;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.tape.store.CampaignTarget;
import org.stevedore.tape.store.NewCampaign;

/**
 * The copy of a campaign's staged files on to its destination, through the rules engine. A campaign whose destination
 * expression selects a non-TAPE RSE owns a dataset, {@code <scope of its first input>:campaign.<id>}, and one rule on
 * it: to the destination's disk RSEs, activity {@value #ACTIVITY}, the campaign's account, with the tape RSEs as its
 * only sources. Its lifetime runs from each file's staging, not from the submission: made without an expiry, it is
 * given the pin lifetime from each staging as files are attached ({@code CampaignCopyStore}), and expires at once if
 * the campaign ends with none. Staged files are attached to that dataset as they settle, so the rules engine
 * locks them and the conveyor copies them from the tape buffer; the rule's locks say which copies landed. A
 * destination of tape RSEs only (the tape's own buffer) needs no copy.
 */
public final class CampaignCopies {

    public static final String ACTIVITY = "Staging";

    private static final Logger log = LoggerFactory.getLogger(CampaignCopies.class);

    private final DidStore dids;
    private final RuleService rules;
    private final Function<String, List<Rse>> resolver;

    /** @param resolver resolves an RSE expression (the domain's InvalidRSEExpression when bad) */
    public CampaignCopies(DidStore dids, RuleService rules, Function<String, List<Rse>> resolver) {
        this.dids = dids;
        this.rules = rules;
        this.resolver = resolver;
    }

    /** Whether the destination needs a copy: it selects an RSE that is not a tape. */
    public boolean needed(String destinationExpression) {
        return resolver.apply(destinationExpression).stream().anyMatch(r -> r.rseType() != RseType.TAPE);
    }

    /** The name of a campaign's own dataset. */
    public static DidRef dataset(String campaignId, NewCampaign request) {
        String first = request.inputs().get(0);
        return new DidRef(first.substring(0, first.indexOf(':')), "campaign." + campaignId);
    }

    /**
     * Makes the campaign's dataset and its rule, before the campaign itself is written (so a failure here, such as a
     * quota refusal, leaves no campaign behind). Answers the target to record with the campaign.
     */
    public CampaignTarget create(String campaignId, NewCampaign request) {
        List<Rse> selected = resolver.apply(request.destinationExpression());
        List<Rse> disks = selected.stream().filter(r -> r.rseType() != RseType.TAPE).toList();
        // A mixed expression must not put the copy back on a tape: the rule gets only its disk RSEs.
        String expression = disks.size() == selected.size() ? request.destinationExpression()
                : disks.stream().map(Rse::rse).sorted().collect(Collectors.joining("|"));
        String tapes = resolver.apply("*").stream().filter(r -> r.rseType() == RseType.TAPE).map(Rse::rse).sorted()
                .collect(Collectors.joining("|"));
        DidRef dataset = dataset(campaignId, request);
        dids.add(List.of(NewDid.collection(dataset.scope(), dataset.name(), DidType.DATASET, request.account())));
        RuleRequest rule = new RuleRequest(List.of(dataset), request.account(), 1, expression, null,
                null, "NONE", false, tapes.isEmpty() ? null : tapes, ACTIVITY, null, false,
                false, "copies of pre-staging campaign " + campaignId, false, null, null, null);
        String ruleId;
        try {
            ruleId = rules.add(rule, request.account()).get(0);
        } catch (RuntimeException e) {
            // The campaign is refused: its empty dataset goes with the undertaker.
            dids.setExpiry(dataset.scope(), dataset.name(), java.time.Instant.EPOCH);
            throw e;
        }
        log.info("Campaign {}: staged files go on to '{}' through rule {} on {}", campaignId, expression, ruleId, dataset);
        return CampaignTarget.owned(dataset.key(), ruleId);
    }

    /** Removes an owned target's rule (files other rules lock stay); someone else's target is left alone. */
    public void drop(String campaignId, CampaignTarget target) {
        if (target == null || !target.owned()) {
            return;
        }
        try {
            rules.delete(target.ruleId(), false);
            log.info("Campaign {}: rule {} removed", campaignId, target.ruleId());
        } catch (RuleNotFound e) {
            log.info("Campaign {}: rule {} was already gone", campaignId, target.ruleId());
        }
    }
}

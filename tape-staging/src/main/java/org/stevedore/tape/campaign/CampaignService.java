package org.stevedore.tape.campaign;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.Campaign.Counts;
import org.stevedore.tape.store.CampaignFile;
import org.stevedore.tape.store.CampaignFileState;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.CampaignStore;
import org.stevedore.tape.store.CampaignTarget;
import org.stevedore.tape.store.NewCampaign;

/**
 * What the API asks of campaigns: submit (validated before anything is written), progress, pause, resume, cancel.
 * Cancelling cancels the recalls still outstanding, drops the campaign's holds on the pins of its staged files and
 * removes the campaign's own copy rule (a given target's rule stays); a campaign whose deadline passes ends EXPIRED
 * the same way, but keeps its holds and its rule, so what was staged is still copied.
 */
public final class CampaignService {

    /** Checks an RSE expression, throwing the domain's InvalidRSEExpression when it is bad or selects nothing. */
    @FunctionalInterface
    public interface ExpressionCheck {
        void check(String expression);
    }

    private static final Logger log = LoggerFactory.getLogger(CampaignService.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final CampaignStore campaigns;
    private final DidStore dids;
    private final ExpressionCheck expressions;
    private final CampaignJobs jobs;
    private final TapeEndpoints endpoints;
    private final CampaignSettings settings;
    private final Clock clock;
    private final CampaignPins pins;
    private final CampaignEnding ending;
    private final CampaignCopies copies;

    /** Campaigns that stage into the tape buffer only, whatever their destination. */
    public CampaignService(CampaignStore campaigns, DidStore dids, ExpressionCheck expressions, CampaignJobs jobs,
                           TapeEndpoints endpoints, CampaignSettings settings, Clock clock) {
        this(campaigns, dids, expressions, jobs, endpoints, settings, clock, null, null);
    }

    /** Campaigns that pin what they stage, and copy nothing on. */
    public CampaignService(CampaignStore campaigns, DidStore dids, ExpressionCheck expressions, CampaignJobs jobs,
                           TapeEndpoints endpoints, CampaignSettings settings, Clock clock, CampaignPins pins) {
        this(campaigns, dids, expressions, jobs, endpoints, settings, clock, pins, null);
    }

    /** Campaigns that copy what they stage on to disk destinations, pinning nothing. */
    public CampaignService(CampaignStore campaigns, DidStore dids, ExpressionCheck expressions, CampaignJobs jobs,
                           TapeEndpoints endpoints, CampaignSettings settings, Clock clock, CampaignCopies copies) {
        this(campaigns, dids, expressions, jobs, endpoints, settings, clock, null, copies);
    }

    /**
     * @param pins   the campaigns' holds on their pins, dropped at cancel; null when nothing pins
     * @param copies copies staged files on to a destination that is not a tape (null: none is ever made)
     */
    public CampaignService(CampaignStore campaigns, DidStore dids, ExpressionCheck expressions, CampaignJobs jobs,
                           TapeEndpoints endpoints, CampaignSettings settings, Clock clock, CampaignPins pins,
                           CampaignCopies copies) {
        this.pins = pins;
        this.ending = new CampaignEnding(campaigns, endpoints, jobs.tracker());
        this.copies = copies;
        this.campaigns = campaigns;
        this.dids = dids;
        this.expressions = expressions;
        this.jobs = jobs;
        this.endpoints = endpoints;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Validates, stores and launches a campaign; answers it as stored. When its destination selects a disk RSE, the
     * campaign gets its own dataset and rule there, and its staged files are copied on.
     */
    public Campaign submit(NewCampaign request) {
        validate(request);
        String id = CampaignStore.newId();
        CampaignTarget target = copies != null && copies.needed(request.destinationExpression())
                ? copies.create(id, request) : null;
        return start(campaigns.create(id, request, target));
    }

    /**
     * As {@link #submit(NewCampaign)}, with staged files attached to a given dataset under its existing rule (a
     * workload bridge task's) instead of one of the campaign's own. The caller has checked that the inputs exist (a
     * task's input files: checking them one by one here would cost a round trip each).
     */
    public Campaign submitChecked(NewCampaign request, CampaignTarget target) {
        expressions.check(request.destinationExpression());
        return start(campaigns.create(CampaignStore.newId(), request, target));
    }

    private Campaign start(Campaign campaign) {
        log.info("Campaign {} submitted by {}: {} inputs, window {} files / {} bytes, priority {}{}", campaign.id(),
                campaign.account(), campaign.inputs().size(), campaign.windowFiles(), campaign.windowBytes(),
                campaign.priority(), campaign.target() == null ? "" : ", staged files go on to "
                        + campaign.target().datasetKey() + " (rule " + campaign.target().ruleId() + ")");
        jobs.launch(campaign.id());
        return campaigns.get(campaign.id());
    }

    private void validate(NewCampaign request) {
        for (String key : request.inputs()) {
            int colon = key.indexOf(':');
            DidRef did = DidRef.of(colon < 0 ? key : key.substring(0, colon), colon < 0 ? "" : key.substring(colon + 1));
            if (!dids.exists(did.scope(), did.name())) {
                throw new DataIdentifierNotFound("Data identifier '" + did.key() + "' not found");
            }
        }
        expressions.check(request.destinationExpression());
    }

    public Campaign get(String id) {
        return campaigns.get(id);
    }

    public CampaignProgress progress(String id) {
        return progress(campaigns.get(id));
    }

    public CampaignProgress progress(Campaign c) {
        Instant now = clock.instant();
        Instant since = now.minus(settings.rateWindow());
        Instant start = c.createdAt().isAfter(since) ? c.createdAt() : since;
        Instant end = c.completedAt() != null ? c.completedAt() : now;
        double seconds = Math.max(1, Duration.between(start, end).toMillis()) / 1000.0;
        Counts recent = campaigns.files().stagedSince(c.id(), start);
        double files = recent.files() / seconds;
        double bytes = recent.bytes() / seconds;
        Duration eta;
        if (c.state().finished() || (c.expanded() && c.remainingFiles() == 0)) {
            eta = Duration.ZERO;
        } else if (bytes > 0 && c.remainingBytes() > 0) {
            eta = Duration.ofMillis((long) (c.remainingBytes() / bytes * 1000));
        } else if (files > 0) {
            eta = Duration.ofMillis((long) (c.remainingFiles() / files * 1000));
        } else {
            eta = null;
        }
        return new CampaignProgress(c, files, bytes, eta,
                c.target() == null ? null : campaigns.copies().copyProgress(c.id()));
    }

    public void list(CampaignState state, String account, Consumer<Campaign> sink) {
        campaigns.list(state, account, sink);
    }

    /** Up to {@code limit} failed files with their reasons: failed stages, then copies to the destination stuck. */
    public List<CampaignFile> failures(String id, int limit) {
        Campaign c = campaigns.get(id);
        List<CampaignFile> failed = new ArrayList<>(campaigns.files().files(id, CampaignFileState.FAILED, limit));
        if (c.target() != null && failed.size() < limit) {
            failed.addAll(campaigns.copies().copyFailures(id, limit - failed.size()));
        }
        return failed;
    }

    /** Nothing new is requested; requests already made go on and are still polled at resume. */
    public Campaign pause(String id) {
        if (!campaigns.transition(id, EnumSet.of(CampaignState.RUNNING), CampaignState.PAUSED)) {
            throw refusal(id, "paused", "RUNNING");
        }
        log.info("Campaign {} paused", id);
        return campaigns.get(id);
    }

    public Campaign resume(String id) {
        if (!campaigns.transition(id, EnumSet.of(CampaignState.PAUSED), CampaignState.RUNNING)) {
            throw refusal(id, "resumed", "PAUSED");
        }
        awaitStopped(id);
        jobs.launch(id);
        log.info("Campaign {} resumed", id);
        return campaigns.get(id);
    }

    /**
     * Cancels outstanding recalls, fails the files not staged yet, and drops the campaign's holds on its pins (the pin
     * releaser lets each go once no rule and no other campaign needs it). The job notices the state and stops at its
     * next read; this waits for it before cleaning up, so no request slips past.
     */
    public Campaign cancel(String id) {
        if (!campaigns.transition(id, EnumSet.of(CampaignState.RUNNING, CampaignState.PAUSED), CampaignState.CANCELLED)) {
            throw refusal(id, "cancelled", "RUNNING or PAUSED");
        }
        awaitStopped(id);
        int failed = ending.end(id, "campaign cancelled");
        int dropped = pins == null ? 0 : pins.dropHolds(id);
        Campaign cancelled = campaigns.get(id);
        if (copies != null) {
            copies.drop(id, cancelled.target());
        }
        log.info("Campaign {} cancelled: {} files not staged, holds on {} pins dropped", id, failed, dropped);
        return cancelled;
    }

    /**
     * Enforces the campaign's deadline if it has come: RUNNING or PAUSED → EXPIRED (its job stops at its next read),
     * then, once the job has stopped, the outstanding recalls are cancelled and the files not staged fail with
     * "deadline ... passed". Staged files keep their pins (the campaign's holds stay). Also finishes the clean-up of
     * an EXPIRED campaign that still has open files. Answers whether anything was done.
     */
    public boolean expireIfDue(String id) {
        Campaign c = campaigns.get(id);
        if (c.deadline() == null || clock.instant().isBefore(c.deadline())) {
            return false;
        }
        String reason = CampaignEnding.deadlineReason(c.deadline());
        if (c.state() != CampaignState.EXPIRED) {
            if (!campaigns.transition(id, EnumSet.of(CampaignState.RUNNING, CampaignState.PAUSED), CampaignState.EXPIRED)) {
                return false;
            }
            campaigns.setError(id, reason);
        }
        awaitStopped(id);
        int failed = ending.end(id, reason);
        log.info("Campaign {} expired: {}; {} files not staged failed", id, reason, failed);
        return true;
    }

    private void awaitStopped(String id) {
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        while (jobs.running(id) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private UnsupportedOperation refusal(String id, String verb, String from) {
        Campaign c = campaigns.get(id);
        return new UnsupportedOperation("Campaign " + id + " is " + c.state() + "; only a " + from
                + " campaign can be " + verb);
    }
}

package org.stevedore.bridge.task;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.time.Lifetimes;
import org.stevedore.tape.campaign.CampaignProgress;
import org.stevedore.tape.campaign.CampaignService;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.error.CampaignNotFound;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignTarget;
import org.stevedore.tape.store.NewCampaign;

/**
 * The tape-staging path of a task's inputs: files whose only replicas are on TAPE RSEs a tape endpoint serves come back
 * through one pre-staging campaign per task, whose staged files are attached to the task's own dataset, so the task's
 * pin rule copies them to its disk expression and its locks pin them there. Tape RSEs without an endpoint stay with the
 * rule's own transfers ({@code bring_online}).
 *
 * @param windowFiles at most this many of a task's files in flight per tape endpoint
 * @param windowBytes at most this many of its bytes
 */
public final class TaskCampaigns {

    private static final Logger log = LoggerFactory.getLogger(TaskCampaigns.class);

    private final CampaignService campaigns;
    private final TapeEndpoints endpoints;
    private final long windowFiles;
    private final long windowBytes;

    public TaskCampaigns(CampaignService campaigns, TapeEndpoints endpoints, long windowFiles, long windowBytes) {
        this.campaigns = campaigns;
        this.endpoints = endpoints;
        this.windowFiles = windowFiles;
        this.windowBytes = windowBytes;
    }

    /** Of the files on tape only (file → its tape RSEs), those some tape endpoint can stage, in {@code order}. */
    public Set<String> stageable(List<String> order, Map<String, List<String>> tapeOnly) {
        Set<String> out = new LinkedHashSet<>();
        for (String key : order) {
            List<String> tapes = tapeOnly.get(key);
            if (tapes != null && tapes.stream().anyMatch(rse -> endpoints.forRse(rse).isPresent())) {
                out.add(key);
            }
        }
        return out;
    }

    /**
     * The window and deadline a registration asks of the task's campaign, checked before anything is written: each
     * window from 1 to the service's (the default), the deadline an ISO-8601 instant in the future, within the bounds
     * of {@link Lifetimes}.
     */
    public Window window(TaskRegistration.Staging asked, Instant now) {
        if (asked == null) {
            return new Window(windowFiles, windowBytes, null);
        }
        long files = bounded("staging.windowFiles", asked.windowFiles(), windowFiles);
        long bytes = bounded("staging.windowBytes", asked.windowBytes(), windowBytes);
        Instant deadline = null;
        if (asked.deadline() != null) {
            try {
                deadline = Instant.parse(asked.deadline().strip());
            } catch (DateTimeParseException e) {
                throw new InvalidObject("'staging.deadline' must be an ISO-8601 instant such as 2026-03-01T00:00:00Z,"
                        + " got '" + asked.deadline() + "'");
            }
            Lifetimes.instant("staging.deadline", deadline);
            if (!deadline.isAfter(now)) {
                throw new InvalidObject("'staging.deadline' " + deadline + " has passed");
            }
        }
        return new Window(files, bytes, deadline);
    }

    private static long bounded(String what, Long asked, long max) {
        if (asked == null) {
            return max;
        }
        if (asked < 1 || asked > max) {
            throw new InvalidObject("'" + what + "' must be from 1 to " + max + ", not " + asked);
        }
        return asked;
    }

    /** A task campaign's window per tape endpoint, and its deadline (null: none). */
    public record Window(long files, long bytes, Instant deadline) {
    }

    /**
     * Starts the task's campaign: its staged files go to the task's dataset under its pin rule; files another running
     * campaign is staging wait on that one (see {@code CampaignJoins}). Answers its id.
     */
    public String start(String taskId, String account, List<String> files, String rseExpression, long pinSeconds,
                        int priority, DidRef dataset, String ruleId, Window window) {
        NewCampaign request = new NewCampaign(account, files, rseExpression, Duration.ofSeconds(pinSeconds),
                window.files(), window.bytes(),
                Math.max(NewCampaign.MIN_PRIORITY, Math.min(NewCampaign.MAX_PRIORITY, priority)), window.deadline());
        Campaign c = campaigns.submitChecked(request, CampaignTarget.ofTask(dataset.key(), ruleId, taskId));
        log.info("Task {}: {} input file(s) on tape come back through campaign {}", taskId, files.size(), c.id());
        return c.id();
    }

    /** Cancels a task's campaign; one already finished (or gone) is left as it is. */
    public void cancel(String taskId, String campaignId) {
        if (campaignId == null) {
            return;
        }
        try {
            campaigns.cancel(campaignId);
        } catch (UnsupportedOperation | CampaignNotFound e) {
            log.info("Task {}: campaign {} not cancelled: {}", taskId, campaignId, e.getMessage());
        }
    }

    /** The campaign's progress, if it exists. */
    public Optional<CampaignProgress> progress(String campaignId) {
        if (campaignId == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(campaigns.progress(campaignId));
        } catch (CampaignNotFound e) {
            return Optional.empty();
        }
    }
}

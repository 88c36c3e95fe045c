package org.stevedore.tape.campaign;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.ReplicaNotFound;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignFile;
import org.stevedore.tape.store.CampaignStore;
import org.stevedore.tape.store.PinHold;
import org.stevedore.tape.store.PinStore;
import org.stevedore.tape.store.PinTarget;

/**
 * The pins of what campaigns stage: each file the endpoint reports on disk is pinned in the catalog under its stage
 * request and path, one store batch per tape RSE, with the campaign's hold until its pin lifetime from now runs out
 * (the {@code diskLifetime} it asked the endpoint for). Rules locking the replica may keep the pin longer; the pin
 * releaser lets it go when neither needs it. Cancelling a campaign drops its holds.
 */
public final class CampaignPins implements StagedListener, DiskLifetimes {

    private static final Logger log = LoggerFactory.getLogger(CampaignPins.class);

    private final PinStore pins;
    private final CampaignStore campaigns;
    private final Duration fallbackCap;
    private final Clock clock;

    /** @param fallbackCap how long rules may keep a pin on an RSE without a {@code max_pin_lifetime} attribute */
    public CampaignPins(PinStore pins, CampaignStore campaigns, Duration fallbackCap, Clock clock) {
        this.pins = pins;
        this.campaigns = campaigns;
        this.fallbackCap = fallbackCap;
        this.clock = clock;
    }

    @Override
    public void staged(String campaignId, List<CampaignFile> files) {
        if (files.isEmpty()) {
            return;
        }
        Campaign campaign = campaigns.get(campaignId);
        PinHold hold = new PinHold(PinHold.campaign(campaignId), clock.instant().plus(campaign.pinLifetime()));
        Map<String, List<PinTarget>> byRse = new LinkedHashMap<>();
        for (CampaignFile f : files) {
            byRse.computeIfAbsent(f.tapeRse(), k -> new ArrayList<>())
                    .add(new PinTarget(DidRef.of(f.scope(), f.name()), f.requestId(), f.path()));
        }
        byRse.forEach((rse, targets) -> {
            try {
                pins.pin(rse, targets, fallbackCap, hold);
            } catch (ReplicaNotFound e) {
                // Replicas deleted while being staged: nothing in the catalog to pin; the endpoint's own pin runs out.
                log.warn("Campaign {}: {} staged files on {} not pinned: {}", campaignId, targets.size(), rse,
                        e.getMessage());
                return;
            }
            log.debug("Campaign {}: {} staged files pinned on {} until at least {}", campaignId, targets.size(), rse,
                    hold.until());
        });
    }

    /**
     * The disk lifetime to ask the tape for: the campaign's pin lifetime, or longer where rules locking the replica
     * need it longer (capped as their pins are), so the tape does not drop a copy the catalog still counts as pinned.
     */
    @Override
    public Map<String, Duration> of(String tapeRse, List<CampaignFile> files, Duration campaignLifetime) {
        Map<DidRef, Duration> byRules;
        try {
            byRules = pins.lifetimes(tapeRse, files.stream().map(f -> DidRef.of(f.scope(), f.name())).toList(),
                    fallbackCap);
        } catch (ReplicaNotFound e) {
            // A replica deleted meanwhile: its stage request fails on its own; the others get the campaign's lifetime.
            return Map.of();
        }
        Map<String, Duration> out = new java.util.HashMap<>();
        for (CampaignFile f : files) {
            Duration rules = byRules.get(DidRef.of(f.scope(), f.name()));
            if (rules != null && rules.compareTo(campaignLifetime) > 0) {
                out.put(f.path(), rules);
            }
        }
        return out;
    }

    /** Drops the campaign's holds: its pins stay only as long as rules or other campaigns need them. */
    public int dropHolds(String campaignId) {
        int dropped = pins.dropHolds(PinHold.campaign(campaignId));
        log.info("Campaign {}: its holds on {} pins dropped", campaignId, dropped);
        return dropped;
    }

    /** How many pins the campaign holds. */
    public long held(String campaignId) {
        return pins.held(PinHold.campaign(campaignId));
    }
}

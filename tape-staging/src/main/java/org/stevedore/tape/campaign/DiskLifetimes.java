package org.stevedore.tape.campaign;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.stevedore.tape.store.CampaignFile;

/** How long each file of a stage request should stay on the tape system's disk: its {@code diskLifetime}. */
@FunctionalInterface
interface DiskLifetimes {

    /** By path; files missing from the answer get {@code campaignLifetime}. */
    Map<String, Duration> of(String tapeRse, List<CampaignFile> files, Duration campaignLifetime);

    /** The campaign's own pin lifetime for every file. */
    static DiskLifetimes campaignOnly() {
        return (rse, files, lifetime) -> Map.of();
    }
}

package org.stevedore.catalog.rse;

import java.time.Instant;

/**
 * A Rucio Storage Element: a named storage endpoint with its flags and location. Attributes, protocols, distances,
 * limits and usage hang off it and have their own stores.
 *
 * @param id                32 lower-case hex characters, like Rucio's RSE ids
 * @param isVolatile        Rucio's {@code volatile}: the storage may drop files on its own (a cache)
 * @param lfn2pfnAlgorithm  how a deterministic RSE derives a file's path from {@code scope:name} (see {@link Lfn2Pfn})
 */
public record Rse(
        String id,
        String rse,
        RseType rseType,
        boolean deterministic,
        boolean isVolatile,
        boolean stagingArea,
        boolean availabilityRead,
        boolean availabilityWrite,
        boolean availabilityDelete,
        String city,
        String regionCode,
        String countryName,
        String continent,
        String timeZone,
        String isp,
        String asn,
        Double longitude,
        Double latitude,
        String qosClass,
        String lfn2pfnAlgorithm,
        boolean verifyChecksum,
        Instant createdAt,
        Instant updatedAt) {
}

package org.stevedore.web.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;

/**
 * The newcomer's tape: a TAPE RSE {@value #NAME} whose {@code file} protocol points at {@code <data-dir>/rses/local_tape}
 * (the emulated cartridges), at distance 1 from the local disks, with attributes saying it is emulated. Created on an
 * embedded store when it is missing; deployments with an external store never get it.
 */
public final class LocalTapeRse {

    private static final Logger log = LoggerFactory.getLogger(LocalTapeRse.class);
    public static final String NAME = "LOCAL_TAPE";

    private final RseStore rses;
    private final RseProtocolStore protocols;
    private final RseDistanceStore distances;

    public LocalTapeRse(RseStore rses, RseProtocolStore protocols, RseDistanceStore distances) {
        this.rses = rses;
        this.protocols = protocols;
        this.distances = distances;
    }

    /** The directory holding the emulated cartridges' files. */
    public static Path directory(Path rsesRoot) {
        return rsesRoot.resolve(NAME.toLowerCase()).toAbsolutePath().normalize();
    }

    /** Creates the tape RSE when it does not exist; answers whether it did. */
    public boolean createIfAbsent(Path rsesRoot) {
        try {
            rses.get(NAME);
            return false;
        } catch (RSENotFound absent) {
            // create it below
        }
        Path dir = directory(rsesRoot);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the local tape directory " + dir, e);
        }
        rses.add(NAME, Map.of("rse_type", "TAPE", "deterministic", true, "city", "localhost"));
        protocols.add(NAME, Map.of("scheme", "file", "hostname", "", "port", 0, "prefix", dir.toString(),
                "impl", "rucio.rse.protocols.posix.Default",
                "domains", Map.of("lan", Map.of("read", 1, "write", 1, "delete", 1),
                        "wan", Map.of("read", 1, "write", 1, "delete", 1, "third_party_copy_read", 1,
                                "third_party_copy_write", 1))));
        rses.setAttributes(NAME, Map.of("type", "TAPE", "site", "LOCAL", "emulated", true, "tape_endpoint", "emulator"));
        for (String disk : LocalRses.NAMES) {
            try {
                rses.get(disk);
                distances.add(NAME, disk, 1);
                distances.add(disk, NAME, 1);
            } catch (RSENotFound e) {
                // a store without the local disks: no distances to them
            }
        }
        log.info("Created the emulated tape RSE {} under {}", NAME, dir);
        return true;
    }
}

package org.stevedore.web.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;

/**
 * The newcomer's grid: on a fresh embedded store, two posix DISK RSEs under {@code <data-dir>/rses}, each reachable by
 * the {@code file} protocol, with distances between them. Deployments with an external store never get them.
 */
public final class LocalRses {

    private static final Logger log = LoggerFactory.getLogger(LocalRses.class);
    public static final List<String> NAMES = List.of("LOCAL_DISK_A", "LOCAL_DISK_B");

    private final RseStore rses;
    private final RseProtocolStore protocols;
    private final RseDistanceStore distances;

    public LocalRses(RseStore rses, RseProtocolStore protocols, RseDistanceStore distances) {
        this.rses = rses;
        this.protocols = protocols;
        this.distances = distances;
    }

    /** Creates the local RSEs when the store has no RSE at all; answers whether it did. */
    public boolean createIfFresh(Path root) {
        if (!rses.list().isEmpty()) {
            return false;
        }
        Map<String, Map<String, ?>> settings = new LinkedHashMap<>();
        for (String name : NAMES) {
            settings.put(name, Map.of("rse_type", "DISK", "deterministic", true, "city", "localhost"));
        }
        rses.addAll(settings);
        for (String name : NAMES) {
            Path dir = root.resolve(name.toLowerCase()).toAbsolutePath().normalize();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the local RSE directory " + dir, e);
            }
            Map<String, Object> wan = Map.of("read", 1, "write", 1, "delete", 1,
                    "third_party_copy_read", 1, "third_party_copy_write", 1);
            protocols.add(name, Map.of("scheme", "file", "hostname", "", "port", 0, "prefix", dir.toString(),
                    "impl", "rucio.rse.protocols.posix.Default",
                    "domains", Map.of("lan", Map.of("read", 1, "write", 1, "delete", 1), "wan", wan)));
            rses.setAttributes(name, Map.of("type", "DISK", "site", "LOCAL", "tier", 1L));
        }
        distances.add(NAMES.get(0), NAMES.get(1), 1);
        distances.add(NAMES.get(1), NAMES.get(0), 1);
        log.info("Created the local RSEs {} under {}", NAMES, root.toAbsolutePath());
        return true;
    }
}

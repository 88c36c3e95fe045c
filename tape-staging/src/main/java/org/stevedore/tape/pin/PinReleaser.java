package org.stevedore.tape.pin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpointException;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.Pin;
import org.stevedore.tape.store.PinStore;

/**
 * Releases pins whose time is up: expired, or on a replica whose last lock went. For each stage request it sends one
 * {@code release} with the paths of its due pins, then deletes those pins from the catalog.
 *
 * <p>A transient failure keeps the pins for the next cycle. A refusal (the endpoint no longer knows the request, or
 * the paths) means there is nothing left to release there, so the pins are deleted; the tape system's own
 * {@code diskLifetime}, set from the same expiry when staging, bounds what a mistaken refusal could leave pinned.
 * Pins on an RSE without a configured endpoint are kept and logged.
 */
public final class PinReleaser implements Worker {

    public static final String EXECUTABLE = "tape-pin-releaser";
    private static final Logger log = LoggerFactory.getLogger(PinReleaser.class);

    private final PinStore pins;
    private final TapeEndpoints endpoints;
    private final int batchSize;

    /** @param batchSize pins looked at per cycle */
    public PinReleaser(PinStore pins, TapeEndpoints endpoints, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.pins = pins;
        this.endpoints = endpoints;
        this.batchSize = batchSize;
    }

    @Override
    public String executable() {
        return EXECUTABLE;
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        List<Pin> due = pins.releasable(partition, batchSize);
        Map<List<String>, List<Pin>> byRequest = new LinkedHashMap<>();
        for (Pin pin : due) {
            byRequest.computeIfAbsent(List.of(pin.rse(), pin.requestId()), k -> new ArrayList<>()).add(pin);
        }
        List<Pin> released = new ArrayList<>();
        byRequest.forEach((key, group) -> {
            String rse = key.get(0);
            String requestId = key.get(1);
            Optional<TapeEndpoint> endpoint = endpoints.forRse(rse);
            if (endpoint.isEmpty()) {
                log.warn("Tape pins: no tape endpoint for RSE {}; {} pins of stage request {} kept", rse, group.size(),
                        requestId);
                return;
            }
            List<String> paths = group.stream().map(Pin::path).toList();
            try {
                endpoint.get().release(requestId, paths);
                log.info("Tape pins: released {} files of stage request {} on {}", paths.size(), requestId, rse);
                released.addAll(group);
            } catch (TapeEndpointException e) {
                if (e.isTransient()) {
                    log.warn("Tape pins: release of stage request {} on {} failed, retried next cycle: {}", requestId,
                            rse, e.getMessage());
                } else {
                    log.warn("Tape pins: release of stage request {} on {} refused, pins dropped: {}", requestId, rse,
                            e.getMessage());
                    released.addAll(group);
                }
            }
        });
        return WorkResult.of(pins.delete(released));
    }
}

package org.stevedore.tape.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.StageState;
import org.stevedore.tape.endpoint.StagedFile;

/** One stage request held by the emulator, with the progress of each of its files. Guarded by the emulator. */
final class EmulatedRequest {

    /** One file of the request. */
    static final class Entry {
        final EmulatedRequest request;
        final String path;
        final Duration lifetime;
        StageState state = StageState.SUBMITTED;
        String error;

        private Entry(EmulatedRequest request, String path, Duration lifetime) {
            this.request = request;
            this.path = path;
            this.lifetime = lifetime;
        }

        boolean pending() {
            return !state.terminal();
        }

        void started(Instant now) {
            if (state == StageState.SUBMITTED) {
                state = StageState.STARTED;
                request.touch(now);
            }
        }

        void end(StageState terminal, String reason, Instant now) {
            if (pending()) {
                state = terminal;
                error = reason;
                request.touch(now);
                request.settle(now);
            }
        }
    }

    final String id;
    final Instant createdAt;
    Instant startedAt;
    Instant completedAt;
    final Map<String, Entry> entries = new LinkedHashMap<>();

    EmulatedRequest(String id, Instant createdAt) {
        this.id = id;
        this.createdAt = createdAt;
    }

    Entry add(String path, Duration lifetime) {
        Entry entry = new Entry(this, path, lifetime);
        entries.put(path, entry);
        return entry;
    }

    private void touch(Instant now) {
        if (startedAt == null) {
            startedAt = now;
        }
    }

    private void settle(Instant now) {
        if (completedAt == null && entries.values().stream().noneMatch(Entry::pending)) {
            completedAt = now;
        }
    }

    StageRequestStatus status(java.util.function.Predicate<String> onDisk) {
        List<StagedFile> files = entries.values().stream()
                .map(e -> new StagedFile(e.path, onDisk.test(e.path), e.state, e.error))
                .toList();
        return new StageRequestStatus(id, createdAt, startedAt, completedAt, files);
    }
}

package org.stevedore.tape.emulator;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.StageState;
import org.stevedore.tape.endpoint.TapeEndpointException;

/**
 * The emulator's request bookkeeping, apart from the library's playback: the stage requests it holds, by id, and the
 * recalls their files wait on, by path (several requests for one file share one recall). It decides what each file
 * of a new request needs (a failure, a pin of the buffer copy, a recall to join or to queue), ends the waiting
 * entries when a recall lands or fails, and takes entries off their recall when they are cancelled or released.
 *
 * <p>The files, the buffer, the drives and the media are the emulator's, shared with it. Not thread-safe: every call
 * is made under the emulator's lock, with the emulator's {@code now}, after the emulator has played the library
 * forward (the refusals, which come before that, are the static checks and the lookups of {@link #entries} and
 * {@link #paths}).
 */
final class StageRequests {

    private static final Logger log = LoggerFactory.getLogger(StageRequests.class);

    private final Map<String, TapeFile> files;
    private final DiskBuffer buffer;
    private final TapeDrives drives;
    private final TapeMedia media;
    /** Recalls queued or in a drive, by path: a new request for the same file joins them. */
    private final Map<String, TapeJob> recalls = new HashMap<>();
    private final Map<String, EmulatedRequest> requests = new LinkedHashMap<>();

    StageRequests(Map<String, TapeFile> files, DiskBuffer buffer, TapeDrives drives, TapeMedia media) {
        this.files = files;
        this.buffer = buffer;
        this.drives = drives;
        this.media = media;
    }

    /** Refuses a stage request without files, or with a path twice. */
    static void requireStageable(List<StageFile> stageFiles) {
        if (stageFiles.isEmpty()) {
            throw refused(400, "A stage request needs at least one file");
        }
        Set<String> seen = new HashSet<>();
        for (StageFile f : stageFiles) {
            if (!seen.add(f.path())) {
                throw refused(400, "Path given twice in one stage request: " + f.path());
            }
        }
    }

    /** Holds a new request and starts its files; the caller then lets the drives take the recalls queued. */
    String stage(List<StageFile> stageFiles, Instant now) {
        EmulatedRequest request = new EmulatedRequest(UUID.randomUUID().toString(), now);
        requests.put(request.id, request);
        for (StageFile f : stageFiles) {
            EmulatedRequest.Entry entry = request.add(f.path(), f.diskLifetime());
            TapeFile file = files.get(f.path());
            if (file == null) {
                entry.end(StageState.FAILED, "No such file: " + f.path(), now);
            } else if (buffer.resident(f.path())) {
                complete(entry, now);
            } else if (file.lost) {
                entry.end(StageState.FAILED, "File lost from tape: " + f.path(), now);
            } else if (file.size > buffer.capacity()) {
                entry.end(StageState.FAILED, "File larger than the whole disk buffer: " + f.path(), now);
            } else {
                TapeJob recall = recalls.computeIfAbsent(f.path(), p -> drives.enqueue(new TapeJob(file, false), now));
                recall.waiters.add(entry);
                if (drives.inDrive(recall) || drives.mounting(file.tape)) {
                    entry.started(now);
                }
            }
        }
        log.debug("Emulated tape: stage request {} for {} files", request.id, stageFiles.size());
        return request.id;
    }

    StageRequestStatus status(String requestId) {
        return request(requestId).status(buffer::resident);
    }

    /** The entries of a request for these paths; refuses an unknown request, no paths, or paths not in it. */
    List<EmulatedRequest.Entry> entries(String requestId, List<String> paths) {
        EmulatedRequest request = request(requestId);
        if (paths.isEmpty()) {
            throw refused(400, "No paths given for stage request " + request.id);
        }
        List<String> unknown = paths.stream().filter(p -> !request.entries.containsKey(p)).toList();
        if (!unknown.isEmpty()) {
            throw refused(400, "Not in stage request " + request.id + ": " + String.join(", ", unknown));
        }
        return paths.stream().map(request.entries::get).toList();
    }

    /** Every path of a request; refuses an unknown request. */
    List<String> paths(String requestId) {
        return List.copyOf(request(requestId).entries.keySet());
    }

    /** Cancels the entries still pending; the caller then lets the drives move on. */
    void cancel(List<EmulatedRequest.Entry> entries, Instant now) {
        for (EmulatedRequest.Entry entry : entries) {
            if (entry.pending()) {
                detach(entry);
                entry.end(StageState.CANCELLED, null, now);
            }
        }
    }

    /** Drops the request's pins of the entries, cancelling first those still being recalled. */
    void release(String requestId, List<EmulatedRequest.Entry> entries, Instant now) {
        for (EmulatedRequest.Entry entry : entries) {
            if (entry.pending()) {
                detach(entry);
                entry.end(StageState.CANCELLED, null, now);
            }
            buffer.unpin(entry.path, requestId, now);
        }
    }

    /** Forgets a request whose pins are released already. */
    void forget(String requestId) {
        requests.remove(requestId);
    }

    /** A file was lost: its recall, unless a drive is reading it already, leaves the queue and fails its waiters. */
    void lost(String path, Instant now) {
        TapeJob recall = recalls.get(path);
        if (recall != null && !drives.inDrive(recall)) {
            drives.dequeue(recall);
            recalls.remove(path);
            recall.waiters.forEach(e -> e.end(StageState.FAILED, "File lost from tape: " + path, now));
        }
    }

    /** A drive has read a recalled file: it lands in the buffer (reserved for it) and its waiters are pinned. */
    void landed(TapeJob recall, Instant now) {
        TapeFile file = recall.file;
        recalls.remove(file.path);
        String failure = file.lost ? "File lost from tape: " + file.path : null;
        if (failure == null) {
            try {
                media.recalled(file.path);
            } catch (IOException | RuntimeException e) {
                failure = "Recall of " + file.path + " failed: " + e.getMessage();
                log.warn("Emulated tape: {}", failure);
            }
        }
        if (failure != null) {
            buffer.cancelReservation(file.size);
            for (EmulatedRequest.Entry entry : recall.waiters) {
                entry.end(StageState.FAILED, failure, now);
            }
            return;
        }
        buffer.land(file.path, file.size, true, now);
        recall.waiters.forEach(entry -> complete(entry, now));
    }

    private void complete(EmulatedRequest.Entry entry, Instant now) {
        if (entry.pending()) {
            entry.end(StageState.COMPLETED, null, now);
            buffer.pin(entry.path, entry.request.id, now.plus(entry.lifetime), now);
        }
    }

    /** Takes a request's file off its recall; a recall nobody waits for any more leaves the queue (not the drive). */
    private void detach(EmulatedRequest.Entry entry) {
        TapeJob recall = recalls.get(entry.path);
        if (recall != null && recall.waiters.remove(entry) && recall.waiters.isEmpty() && !drives.inDrive(recall)) {
            drives.dequeue(recall);
            recalls.remove(entry.path);
        }
    }

    private EmulatedRequest request(String requestId) {
        EmulatedRequest request = requests.get(requestId);
        if (request == null) {
            throw refused(404, "No stage request " + requestId);
        }
        return request;
    }

    private static TapeEndpointException refused(int status, String message) {
        return new TapeEndpointException(message, status, false, null);
    }
}

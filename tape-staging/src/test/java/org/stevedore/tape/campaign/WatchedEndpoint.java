package org.stevedore.tape.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.driver.Record;
import org.stevedore.catalog.store.Store;
import org.stevedore.tape.endpoint.ArchiveInfo;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.TapeEndpoint;

/**
 * The emulator seen through a test's eyes: every path ever asked for, and at every call a check of the window
 * invariants against the store (files REQUESTED and not yet settled are in flight): per endpoint, and per campaign
 * for its own window. It can be told to fail a stage call, as a crash in the middle of a campaign would.
 */
final class WatchedEndpoint implements TapeEndpoint {

    /** Replaceable: a test swaps in a fresh emulator, as a restarted service would have. */
    TapeEndpoint delegate;
    private final Store store;
    private final Window window;
    final List<String> stagedPaths = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    int stageCalls;
    int checks;
    /** Stage calls after which the next one fails with an unexpected error (a negative value: never). */
    int failAfter = -1;
    /** Runs after the given number of stage calls (as an operator acting while the campaign runs). */
    int actAfter = -1;
    Runnable action = () -> { };
    /** The stage call after which (its request made) the caller crashes before it can record the answer; 0: never. */
    int crashAfterCall;
    /** Whether submission ids are passed on (the emulator keeps them; a WLCG Tape REST endpoint has none). */
    boolean findsRequests = true;

    WatchedEndpoint(TapeEndpoint delegate, Store store, StagingScheduler scheduler, Window window) {
        this.delegate = delegate;
        this.store = store;
        this.window = window;
    }

    @Override
    public synchronized String stage(List<StageFile> files) {
        return stage(null, files);
    }

    @Override
    public synchronized Optional<String> findStageRequest(String submitId) {
        return findsRequests ? delegate.findStageRequest(submitId) : Optional.empty();
    }

    @Override
    public synchronized String stage(String submitId, List<StageFile> files) {
        if (failAfter >= 0 && stageCalls >= failAfter) {
            failAfter = -1;
            throw new IllegalStateException("injected failure before stage call " + (stageCalls + 1));
        }
        List<String> paths = files.stream().map(StageFile::path).toList();
        check(paths);
        stageCalls++;
        stagedPaths.addAll(paths);
        String id = submitId == null || !findsRequests ? delegate.stage(files) : delegate.stage(submitId, files);
        if (stageCalls == crashAfterCall) {
            throw new IllegalStateException("injected crash after stage call " + stageCalls + " made request " + id);
        }
        if (stageCalls == actAfter) {
            action.run();
        }
        return id;
    }

    @Override
    public synchronized StageRequestStatus status(String requestId) {
        check(List.of());
        return delegate.status(requestId);
    }

    @Override
    public void cancel(String requestId, List<String> paths) {
        delegate.cancel(requestId, paths);
    }

    @Override
    public void release(String requestId, List<String> paths) {
        delegate.release(requestId, paths);
    }

    @Override
    public void forget(String requestId) {
        delegate.forget(requestId);
    }

    @Override
    public List<ArchiveInfo> archiveInfo(List<String> paths) {
        return delegate.archiveInfo(paths);
    }

    /** In flight after this call: what the store has SUBMITTING or REQUESTED, plus the files being asked for now. */
    private void check(List<String> newPaths) {
        checks++;
        List<Record> rows = store.read(tx -> tx.run("""
                MATCH (c:Campaign)
                OPTIONAL MATCH (f:CampaignFile {campaign_id: c.id})
                  WHERE f.state IN ['SUBMITTING', 'REQUESTED'] OR (f.state = 'PENDING' AND f.path IN $new)
                RETURN c.id AS id, c.window_files AS wf, c.window_bytes AS wb, count(f) AS files,
                       coalesce(sum(f.bytes), 0) AS bytes
                """, Map.of("new", newPaths)).list());
        long files = 0;
        long bytes = 0;
        for (Record r : rows) {
            files += r.get("files").asLong();
            bytes += r.get("bytes").asLong();
            if (r.get("files").asLong() > r.get("wf").asLong() || r.get("bytes").asLong() > r.get("wb").asLong()) {
                violations.add("campaign " + r.get("id").asString() + " has " + r.get("files") + " files / "
                        + r.get("bytes") + " bytes in flight at check " + checks);
            }
        }
        if (files > window.files() || bytes > window.bytes()) {
            violations.add("endpoint has " + files + " files / " + bytes + " bytes in flight at check " + checks);
        }
    }
}

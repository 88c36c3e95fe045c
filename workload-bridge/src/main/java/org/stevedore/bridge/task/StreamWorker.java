package org.stevedore.bridge.task;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.bridge.gate.ReleaseGate;
import org.stevedore.bridge.store.StreamStore;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;

/**
 * Follows the streaming tasks of its partition: each cycle asks the store which files of each task's inputs have no
 * job yet and makes their jobs (then releases those whose files are on disk already), and finishes the tasks whose
 * inputs were closed and whose jobs all ended. Nothing is kept in memory between cycles, so a restart, a second
 * instance or an attachment made while the service was down loses and doubles nothing (see {@link StreamStore}).
 */
public final class StreamWorker implements Worker {

    private static final Logger log = LoggerFactory.getLogger(StreamWorker.class);
    public static final String EXECUTABLE = "bridge-stream";
    private static final int TASKS_PER_PAGE = 100;

    private final StreamStore store;
    private final ReleaseGate gate;
    private final TaskEnder ender;
    private final Clock clock;
    private final int maxFiles;

    /** @param maxFiles files one look at one task turns into jobs at most (the rest at the next look) */
    public StreamWorker(StreamStore store, ReleaseGate gate, TaskEnder ender, Clock clock, int maxFiles) {
        if (maxFiles < 1) {
            throw new IllegalArgumentException("maxFiles must be at least 1, got " + maxFiles);
        }
        this.store = store;
        this.gate = gate;
        this.ender = ender;
        this.clock = clock;
        this.maxFiles = maxFiles;
    }

    @Override
    public String executable() {
        return EXECUTABLE;
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        int done = 0;
        String after = "";
        while (true) {
            List<String> page = store.streaming(partition, after, TASKS_PER_PAGE);
            for (String taskId : page) {
                done += follow(taskId);
            }
            if (page.size() < TASKS_PER_PAGE) {
                return WorkResult.of(done);
            }
            after = page.get(page.size() - 1);
        }
    }

    /** One look at one task; answers the jobs made (plus one when it finished). */
    int follow(String taskId) {
        StreamStore.Followed followed = store.follow(taskId, maxFiles, clock.millis());
        if (!followed.newJobIds().isEmpty()) {
            log.info("Streaming task {}: {} new job(s) for newly attached files ({} .. {})", taskId,
                    followed.newJobIds().size(), followed.newJobIds().get(0),
                    followed.newJobIds().get(followed.newJobIds().size() - 1));
            // Files already on one of the task's RSEs release their jobs now, not at the next full check.
            gate.checkTask(taskId);
        }
        followed.finished().ifPresent(ender::streamFinished);
        return followed.newJobIds().size() + (followed.finished().isPresent() ? 1 : 0);
    }
}

package org.stevedore.transfer.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.stevedore.transfer.tool.FileState;
import org.stevedore.transfer.tool.FileStatus;
import org.stevedore.transfer.tool.JobState;
import org.stevedore.transfer.tool.JobStatus;
import org.stevedore.transfer.tool.SubmittedJob;
import org.stevedore.transfer.tool.TransferFile;
import org.stevedore.transfer.tool.TransferJob;
import org.stevedore.transfer.tool.TransferTool;

/**
 * The embedded default's transfer tool: copies between {@code file} PFNs in this process with the {@link LocalCopier}.
 * Jobs live in memory, so a job this tool does not know died with an earlier process of the service: it is
 * INTERRUPTED, and the conveyor queues its requests again without counting the crash as an attempt (an FTS server's
 * jobs outlive our restarts; one it forgot is LOST, and that counts). The other way a job is unknown here is that
 * it was reported ended and the poller's transaction recording that failed: its files are then copied again (one
 * that landed is found in place and is DONE), again without counting; a real failure counts when it recurs.
 */
public final class LocalTransferTool implements TransferTool {

    public static final String HOST = "local";

    private record Job(String id, List<TransferFile> files, List<CompletableFuture<CopyResult>> results) {
    }

    private final LocalCopier copier;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    public LocalTransferTool(LocalCopier copier) {
        this.copier = copier;
    }

    @Override
    public List<SubmittedJob> submit(List<TransferJob> transferJobs) {
        List<SubmittedJob> out = new ArrayList<>(transferJobs.size());
        for (TransferJob tj : transferJobs) {
            // The job id is the transfer job's own deterministic id: submitting it twice runs it once.
            jobs.computeIfAbsent(tj.id(), id -> {
                List<CompletableFuture<CopyResult>> results = new ArrayList<>(tj.files().size());
                for (TransferFile f : tj.files()) {
                    results.add(copier.copyAsync(new CopyRequest(f.requestId(), f.sources().get(0), f.destination(),
                            f.bytes(), f.adler32())));
                }
                return new Job(id, tj.files(), results);
            });
            out.add(new SubmittedJob(tj.id(), HOST, tj.id(), tj.files().stream().map(TransferFile::requestId).toList()));
        }
        return out;
    }

    @Override
    public Map<String, JobStatus> query(List<String> jobIds) {
        Map<String, JobStatus> out = new LinkedHashMap<>();
        for (String id : jobIds) {
            Job job = jobs.get(id);
            if (job == null) {
                out.put(id, JobStatus.interrupted(id));
                continue;
            }
            List<FileStatus> files = new ArrayList<>(job.files().size());
            int done = 0;
            int failed = 0;
            for (int i = 0; i < job.files().size(); i++) {
                TransferFile f = job.files().get(i);
                CompletableFuture<CopyResult> result = job.results().get(i);
                if (!result.isDone()) {
                    files.add(new FileStatus(f.requestId(), FileState.ACTIVE, "", f.sources().get(0), f.destination()));
                    continue;
                }
                CopyResult r = result.join();
                if (r.isDone()) {
                    done++;
                    files.add(new FileStatus(f.requestId(), FileState.FINISHED, "", f.sources().get(0), f.destination()));
                } else {
                    failed++;
                    files.add(new FileStatus(f.requestId(), FileState.FAILED, r.reason(), f.sources().get(0),
                            f.destination()));
                }
            }
            JobState state = done + failed < files.size() ? JobState.ACTIVE
                    : failed == 0 ? JobState.FINISHED : done == 0 ? JobState.FAILED : JobState.FINISHEDDIRTY;
            out.put(id, new JobStatus(id, state, "", files));
            if (state.terminal()) {
                // Reported once finished; a later query of the same job finds it gone, as FTS archives jobs.
                jobs.remove(id);
            }
        }
        return out;
    }

    @Override
    public void cancel(List<String> jobIds) {
        jobIds.forEach(jobs::remove);
    }

    @Override
    public void setPriority(String jobId, int priority) {
        // Local copies run in submission order; there is nothing to reorder.
    }
}

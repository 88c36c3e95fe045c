package org.stevedore.transfer.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * A job from a TAPE RSE that a tape endpoint serves ({@link TapeSources}) is staged first, as FTS does with
 * {@code bring_online}: its files are STAGING until the tape has them online, then copied from the disk buffer, then
 * their pin is released.
 * Jobs live in memory, so a job this tool does not know died with an earlier process of the service: it is
 * INTERRUPTED, and the conveyor queues its requests again without counting the crash as an attempt (an FTS server's
 * jobs outlive our restarts; one it forgot is LOST, and that counts). The other way a job is unknown here is that
 * it was reported ended and the poller's transaction recording that failed: its files are then copied again (one
 * that landed is found in place and is DONE), again without counting; a real failure counts when it recurs.
 */
public final class LocalTransferTool implements TransferTool {

    public static final String HOST = "local";

    /**
     * A submitted job: its files' copies (null while a file's source is being staged), and for a tape source the
     * stage request they wait on and the files whose pin is released; whether its copies may replace a different
     * file at the destination (the job's {@code overwrite}, for recovery).
     */
    private record Job(String id, String sourceRse, List<TransferFile> files, List<CompletableFuture<CopyResult>> results,
                       String stageRequest, Set<Integer> released, Instant stagingDeadline, Duration bringOnline,
                       boolean overwrite) {
    }

    private final LocalCopier copier;
    private final TapeSources tapes;
    private final Clock clock;
    private final String owner;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    public LocalTransferTool(LocalCopier copier) {
        this(copier, TapeSources.NONE);
    }

    /** @param tapes the tape endpoints sources on TAPE RSEs are staged through before they are copied */
    public LocalTransferTool(LocalCopier copier, TapeSources tapes) {
        this(copier, tapes, Clock.systemUTC(), null);
    }

    /** @param clock when a recall's {@code bring_online} timeout runs out */
    public LocalTransferTool(LocalCopier copier, TapeSources tapes, Clock clock) {
        this(copier, tapes, clock, null);
    }

    /**
     * @param owner the key of the instance this process is ({@code Instance#key()}), recorded on its jobs so that
     *              other instances of the service leave them alone while it lives; null for a service that runs alone
     */
    public LocalTransferTool(LocalCopier copier, TapeSources tapes, String owner) {
        this(copier, tapes, Clock.systemUTC(), owner);
    }

    /**
     * @param clock when a recall's {@code bring_online} timeout runs out
     * @param owner the key of the instance this process is, or null for a service that runs alone
     */
    public LocalTransferTool(LocalCopier copier, TapeSources tapes, Clock clock, String owner) {
        this.copier = copier;
        this.tapes = tapes;
        this.clock = clock;
        this.owner = owner;
    }

    @Override
    public String owner() {
        return owner;
    }

    @Override
    public List<SubmittedJob> submit(List<TransferJob> transferJobs) {
        List<SubmittedJob> out = new ArrayList<>(transferJobs.size());
        for (TransferJob tj : transferJobs) {
            // The job id is the transfer job's own deterministic id: submitting it twice runs it once.
            jobs.computeIfAbsent(tj.id(), id -> start(tj));
            out.add(new SubmittedJob(tj.id(), HOST, tj.id(), tj.files().stream().map(TransferFile::requestId).toList()));
        }
        return out;
    }

    private Job start(TransferJob tj) {
        List<CompletableFuture<CopyResult>> results = new ArrayList<>(tj.files().size());
        if (tj.fromTapeSource() && tapes.stagesFrom(tj.sourceRse())) {
            // From tape: nothing is read before the tape says the file is online (see query).
            String request = tapes.stage(tj.sourceRse(), tj.files().stream().map(f -> f.sources().get(0)).toList(),
                    tj.staging().copyPinLifetime());
            tj.files().forEach(f -> results.add(null));
            Duration bringOnline = tj.staging().bringOnline();
            return new Job(tj.id(), tj.sourceRse(), tj.files(), results, request, ConcurrentHashMap.newKeySet(),
                    clock.instant().plus(bringOnline), bringOnline, tj.overwrite());
        }
        for (TransferFile f : tj.files()) {
            results.add(copy(f, f.sources().get(0), tj.overwrite()));
        }
        return new Job(tj.id(), tj.sourceRse(), tj.files(), results, null, Set.of(), null, null, tj.overwrite());
    }

    /**
     * A tape job's files still not online when its {@code bring_online} timeout has run out fail, as FTS fails them,
     * with the reason (the conveyor counts the attempt and retries per its policy); their stage request's pin is
     * released, so the tape system does not keep recalling or holding them for nobody.
     */
    private synchronized void expireStaging(Job job) {
        if (job.stageRequest() == null || clock.instant().isBefore(job.stagingDeadline())) {
            return;
        }
        List<String> given = new ArrayList<>();
        for (int i = 0; i < job.files().size(); i++) {
            if (job.results().get(i) != null) {
                continue;
            }
            TransferFile f = job.files().get(i);
            job.results().set(i, CompletableFuture.completedFuture(CopyResult.failed(new CopyRequest(f.requestId(),
                    f.sources().get(0), f.destination(), f.bytes(), f.adler32()), "staging failed: the recall from "
                    + job.sourceRse() + " did not finish within the bring_online timeout of " + job.bringOnline())));
            // Released here, not again once the failure is reported.
            job.released().add(i);
            given.add(f.sources().get(0));
        }
        if (!given.isEmpty()) {
            try {
                tapes.release(job.sourceRse(), job.stageRequest(), given);
            } catch (RuntimeException e) {
                // The pin runs out on its own at the end of its lifetime.
            }
        }
    }

    private CompletableFuture<CopyResult> copy(TransferFile f, String source, boolean overwrite) {
        return copier.copyAsync(new CopyRequest(f.requestId(), source, f.destination(), f.bytes(), f.adler32(),
                overwrite));
    }

    /** A tape job: files now online start copying from the disk buffer, files the recall failed fail with its reason. */
    private synchronized void advanceStaging(Job job) {
        if (job.stageRequest() == null || job.results().stream().allMatch(java.util.Objects::nonNull)) {
            return;
        }
        Map<String, TapeSources.Recall> recalls = tapes.status(job.sourceRse(), job.stageRequest());
        for (int i = 0; i < job.files().size(); i++) {
            if (job.results().get(i) != null) {
                continue;
            }
            TransferFile f = job.files().get(i);
            TapeSources.Recall r = recalls.get(f.sources().get(0));
            if (r == null) {
                continue;
            }
            if (r.error() != null) {
                job.results().set(i, CompletableFuture.completedFuture(CopyResult.failed(new CopyRequest(f.requestId(),
                        f.sources().get(0), f.destination(), f.bytes(), f.adler32()), "staging failed: " + r.error())));
            } else if (r.online()) {
                job.results().set(i, copy(f, r.readFrom() != null ? r.readFrom() : f.sources().get(0), job.overwrite()));
            }
        }
    }

    /** A tape job's file whose copy ended: its pin on the disk buffer goes, once. */
    private void releaseIfCopied(Job job, int i) {
        if (job.stageRequest() != null && job.released().add(i)) {
            try {
                tapes.release(job.sourceRse(), job.stageRequest(), List.of(job.files().get(i).sources().get(0)));
            } catch (RuntimeException e) {
                // The pin runs out on its own at the end of its lifetime.
                job.released().remove(i);
            }
        }
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
            try {
                advanceStaging(job);
            } catch (RuntimeException e) {
                // The tape endpoint could not be asked now: the files stay in STAGING until it can, or time out.
            }
            expireStaging(job);
            List<FileStatus> files = new ArrayList<>(job.files().size());
            int done = 0;
            int failed = 0;
            for (int i = 0; i < job.files().size(); i++) {
                TransferFile f = job.files().get(i);
                CompletableFuture<CopyResult> result = job.results().get(i);
                if (result == null) {
                    files.add(new FileStatus(f.requestId(), FileState.STAGING, "", f.sources().get(0), f.destination()));
                    continue;
                }
                if (!result.isDone()) {
                    files.add(new FileStatus(f.requestId(), FileState.ACTIVE, "", f.sources().get(0), f.destination()));
                    continue;
                }
                releaseIfCopied(job, i);
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

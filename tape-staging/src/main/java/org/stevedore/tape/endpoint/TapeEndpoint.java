package org.stevedore.tape.endpoint;

import java.util.List;
import java.util.Optional;

/**
 * A tape system's staging interface (WLCG Tape REST API v1 semantics). Paths are the storage paths the tape system
 * knows (what a {@code davs}/{@code root} PFN carries after its host), not LFNs.
 *
 * <p>Implementations throw {@link TapeEndpointException}: {@link TapeEndpointException#isTransient()} tells the
 * caller whether retrying later can succeed (5xx, connection errors) or not (4xx, a request the endpoint refuses).
 */
public interface TapeEndpoint {

    /**
     * Asks for the files to be brought to the disk buffer and pinned there; returns the endpoint's request id. At most
     * {@link #maxFilesPerStage()} files: more is refused (a non-transient {@link TapeEndpointException}, status 400).
     */
    String stage(List<StageFile> files);

    /**
     * {@link #stage(List)} under the caller's own id for this request ({@code submitId}, unique per request), made and
     * recorded by the caller before the call. An endpoint that keeps it finds the request again by it
     * ({@link #findStageRequest}) when the caller crashed before recording the answer. The WLCG Tape REST API v1 has no
     * such id (a request is known only by the id the endpoint returns, and requests cannot be listed): by default the
     * id is not sent.
     */
    default String stage(String submitId, List<StageFile> files) {
        return stage(files);
    }

    /**
     * The request made by {@link #stage(String, List)} under {@code submitId}, if the endpoint can find it; empty when
     * it made none or cannot tell (the default, and the WLCG Tape REST API v1's case).
     */
    default Optional<String> findStageRequest(String submitId) {
        return Optional.empty();
    }

    /** The most files one {@link #stage} call takes; callers split larger sets. Unbounded unless an endpoint says. */
    default int maxFilesPerStage() {
        return Integer.MAX_VALUE;
    }

    /** The state of every file of a stage request. Unknown request → {@link TapeEndpointException} (not transient). */
    StageRequestStatus status(String requestId);

    /** Cancels the recall of some files of a request (files already on disk stay until released). */
    void cancel(String requestId, List<String> paths);

    /** Drops this request's pin on the files; the tape system may evict their disk copies. */
    void release(String requestId, List<String> paths);

    /** Forgets the request (its pins are released). */
    void forget(String requestId);

    /** Where each file is: on disk, on tape, both, lost... Used to monitor writes to tape. */
    List<ArchiveInfo> archiveInfo(List<String> paths);
}

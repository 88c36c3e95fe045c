package org.stevedore.tape.endpoint;

import java.util.List;
import java.util.Objects;

/**
 * The endpoint of a tape RSE whose configuration cannot be used (no credentials, an attribute that is no URL, no
 * protocol to name files by): every call fails with the reason. The failure is transient, because an operator fixing
 * the configuration makes it work without anything else changing: staging waits and says why (the campaign's error),
 * polls are tried again, pins are kept for the next releaser cycle.
 */
public record UnusableTapeEndpoint(String reason) implements TapeEndpoint {

    public UnusableTapeEndpoint {
        Objects.requireNonNull(reason, "reason");
    }

    private TapeEndpointException unusable() {
        return new TapeEndpointException(reason, 0, true, null);
    }

    @Override
    public String stage(List<StageFile> files) {
        throw unusable();
    }

    @Override
    public StageRequestStatus status(String requestId) {
        throw unusable();
    }

    @Override
    public void cancel(String requestId, List<String> paths) {
        throw unusable();
    }

    @Override
    public void release(String requestId, List<String> paths) {
        throw unusable();
    }

    @Override
    public void forget(String requestId) {
        throw unusable();
    }

    @Override
    public List<ArchiveInfo> archiveInfo(List<String> paths) {
        throw unusable();
    }
}

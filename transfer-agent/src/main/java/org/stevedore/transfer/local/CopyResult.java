package org.stevedore.transfer.local;

import java.util.Objects;

/**
 * How one copy ended.
 *
 * @param bytes   the file's size when DONE, 0 when FAILED
 * @param adler32 the checksum of the bytes at the destination when DONE, null when FAILED
 * @param reason  why it FAILED (in words for the lock's error and the operator), null when DONE
 */
public record CopyResult(CopyRequest request, CopyState state, long bytes, String adler32, String reason) {

    public enum CopyState { DONE, FAILED }

    public CopyResult {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(state, "state");
    }

    public static CopyResult done(CopyRequest request, long bytes, String adler32) {
        return new CopyResult(request, CopyState.DONE, bytes, adler32, null);
    }

    public static CopyResult failed(CopyRequest request, String reason) {
        return new CopyResult(request, CopyState.FAILED, 0, null, reason);
    }

    public boolean isDone() {
        return state == CopyState.DONE;
    }
}

package org.stevedore.transfer.tool;

import java.util.List;
import java.util.Objects;

/**
 * One file of a {@link TransferJob}: the request it serves, the source replicas to try in order, where it goes.
 *
 * @param requestId the transfer request this file serves; the tool echoes it back in {@link FileStatus}
 * @param sources   source PFNs, best first (alternatives the tool may fall back to)
 * @param destination destination PFN
 * @param bytes     expected size, or a negative number when unknown
 * @param adler32   expected adler32 as 8 lower-case hex digits, or null when unknown
 * @param activity  the transfer activity (shares on the tool side), e.g. "Production"
 * @param priority  the request's priority; tools clamp it to their own range
 */
public record TransferFile(String requestId, List<String> sources, String destination, long bytes, String adler32,
                           String activity, int priority) {

    public TransferFile {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(activity, "activity");
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("file " + requestId + " has no source");
        }
        if (adler32 != null && !adler32.matches("[0-9a-fA-F]{1,8}")) {
            throw new IllegalArgumentException("file " + requestId + " has a malformed adler32: " + adler32);
        }
    }
}

package org.stevedore.catalog.daemon;

/**
 * Who beats: one thread of one process. Its {@link #key()} is the heartbeat's identity and also the sort key that
 * orders the live workers into partitions.
 */
public record WorkerId(String executable, String host, long pid, String thread) {

    private static final String SEPARATOR = "|";

    public WorkerId {
        requirePart("executable", executable);
        requirePart("host", host);
        requirePart("thread", thread);
    }

    /** {@code executable|host|pid|thread}; the separator is refused inside the parts, so keys cannot collide. */
    public String key() {
        return executable + SEPARATOR + host + SEPARATOR + pid + SEPARATOR + thread;
    }

    private static void requirePart(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        if (value.contains(SEPARATOR)) {
            throw new IllegalArgumentException(name + " must not contain '" + SEPARATOR + "': " + value);
        }
    }
}

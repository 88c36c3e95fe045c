package org.stevedore.catalog.daemon;

/** What one cycle of a worker did: the loop sleeps only after a cycle that found nothing to do. */
public record WorkResult(int items) {

    private static final WorkResult NOTHING = new WorkResult(0);

    public WorkResult {
        if (items < 0) {
            throw new IllegalArgumentException("items must not be negative, got " + items);
        }
    }

    public static WorkResult nothing() {
        return NOTHING;
    }

    public static WorkResult of(int items) {
        return items == 0 ? NOTHING : new WorkResult(items);
    }

    public boolean didWork() {
        return items > 0;
    }
}

package org.stevedore.transfer.fts;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.stevedore.grid.RetrySleeper;

/** Records the waits between retries instead of spending them. */
final class RecordingSleeper implements RetrySleeper {

    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration) {
        waits.add(duration);
    }
}

package org.stevedore.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.stevedore.catalog.time.Sleeper;

/** Records the waits between retries instead of spending them. */
public final class RecordingSleeper implements Sleeper {

    public final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration, CountDownLatch stop) {
        waits.add(duration);
    }
}

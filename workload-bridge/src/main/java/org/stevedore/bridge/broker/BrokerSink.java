package org.stevedore.bridge.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.outbox.Events;

/**
 * Sends the outbox's events to one message broker, at least once, oldest first, in Rucio's Hermes shape
 * ({@link HermesMessage}).
 *
 * <p>The resume point is the sink's own outbox position (consumer {@code name}, e.g. {@code broker-amqp}), kept in
 * the store: each cycle reads the events created from the position less {@code overlap} that the sink has not marked
 * delivered, publishes a batch, and only after the broker confirmed it marks them delivered and moves the position,
 * in one transaction ({@link Events#delivered}). The overlap catches a transaction that committed after younger
 * events had been sent; the marks keep that window from being sent twice, across restarts too. A broker that is
 * down fails the batch: nothing is marked, the events wait in the outbox, and the sink keeps touching its position
 * (once a minute) so the purge keeps waiting for it (up to the outbox retention). Duplicates arise only where at-least-once allows
 * them: the broker took a batch but its confirmation was lost, or the marking transaction failed after it.
 *
 * <p>Singleton: only the worker holding partition 0 of the daemon's partitioning sends, so a broker sees one sender
 * per sink and the order of a single sender.
 */
public final class BrokerSink implements Worker, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BrokerSink.class);
    /**
     * How often a sink that cannot move its position (nothing to send, broker down) still touches it, so the purge
     * counts it alive: far below the purge's consumer timeout (a day by default), far above the poll interval.
     */
    private static final long TOUCH_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /**
     * @param batch  events per publish (one broker confirmation, one marking transaction)
     * @param overlap how far before its position the sink reads again for late-committed events
     * @param types  outbox event types sent (empty: all)
     */
    public record Settings(int batch, Duration overlap, List<String> types) {
        public Settings {
            if (batch < 1) {
                throw new IllegalArgumentException("batch must be at least 1, got " + batch);
            }
            if (overlap.isNegative()) {
                throw new IllegalArgumentException("overlap must not be negative");
            }
            types = List.copyOf(types);
        }
    }

    private final String name;
    private final Events events;
    private final Publisher publisher;
    private final Settings settings;
    private boolean down;
    /** When the position was last touched while the sink could not move it ({@link System#nanoTime()}). */
    private long touchedAt = System.nanoTime() - TOUCH_EVERY_NANOS;

    /** @param name the sink's name: its daemon executable and its outbox consumer, e.g. {@code broker-amqp} */
    public BrokerSink(String name, Events events, Publisher publisher, Settings settings) {
        this.name = name;
        this.events = events;
        this.publisher = publisher;
        this.settings = settings;
    }

    @Override
    public String executable() {
        return name;
    }

    /** One batch: publish, then mark and move the cursor; a broker failure leaves everything where it was. */
    @Override
    public WorkResult runOnce(Partition partition) throws InterruptedException {
        if (partition.index() != 0) {
            publisher.close();
            return WorkResult.nothing();
        }
        long position = events.position(name, 0L);
        List<Events.Event> page = events.undelivered(name, position - settings.overlap().toMillis(), settings.types(),
                settings.batch());
        if (page.isEmpty()) {
            touch(position);
            return WorkResult.nothing();
        }
        try {
            publisher.publish(page.stream().flatMap(e -> HermesMessage.expand(e).stream()).toList());
        } catch (IOException e) {
            if (!down) {
                log.warn("Broker {} did not take the batch; {} event(s) and later wait in the outbox from {}: {}",
                        publisher.describe(), page.size(), page.get(0).createdAt(), e.getMessage());
                down = true;
            }
            // Still alive, only blocked: the purge must keep waiting for this position.
            touch(position);
            return WorkResult.nothing();
        }
        if (down) {
            log.info("Broker {} takes events again; sending from {}", publisher.describe(), page.get(0).createdAt());
            down = false;
        }
        long newest = page.stream().mapToLong(e -> e.createdAt().toEpochMilli()).max().orElse(position);
        events.delivered(name, page.stream().map(Events.Event::id).toList(), Math.max(position, newest));
        log.debug("Sent {} event(s) to {}", page.size(), publisher.describe());
        return WorkResult.of(page.size());
    }

    private void touch(long position) {
        long now = System.nanoTime();
        if (now - touchedAt >= TOUCH_EVERY_NANOS) {
            events.advance(name, position);
            touchedAt = now;
        }
    }

    /** Closes the broker connection (the daemon stopping); a later cycle would open a new one. */
    @Override
    public void close() {
        publisher.close();
    }

    /** Whether the last attempt failed (the broker is unreachable or refused the batch). */
    public boolean brokerDown() {
        return down;
    }
}

package org.stevedore.bridge.broker;

import java.io.IOException;
import java.util.List;

/**
 * Sends messages to one broker and answers only once the broker has taken responsibility for every one of them
 * (AMQP publisher confirms, STOMP receipts): what lets the sink move its cursor past them. Not thread-safe: one sink
 * drives one publisher.
 */
public interface Publisher extends AutoCloseable {

    /**
     * Sends {@code messages} in order and waits for the broker's confirmation of all of them. Throws when the broker
     * is unreachable, refuses one, or does not confirm in time; some may then have arrived anyway (the sink sends
     * them again: at least once). A publisher that failed reconnects on the next call.
     */
    void publish(List<HermesMessage> messages) throws IOException, InterruptedException;

    /** Where messages go, for logs (no credentials). */
    String describe();

    /** Closes the connection, if any; the next {@link #publish} opens a new one. */
    @Override
    void close();
}

package org.stevedore.tape.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.time.Lifetimes;

/**
 * What a campaign is asked to do: bring the files under {@code inputs} (DID keys {@code scope:name}) back from tape.
 *
 * @param destinationExpression the RSE expression the staged files are meant for
 * @param pinLifetime           how long the staged copies stay pinned on the tape RSE's disk buffer
 * @param windowFiles           at most this many of the campaign's files in flight per tape endpoint
 * @param windowBytes           at most this many of the campaign's bytes in flight per tape endpoint
 * @param priority              its weight in the fair share of a tape endpoint (higher gets more), 1..10
 * @param deadline              when the campaign must be done, or null: nearer deadlines go first among campaigns of
 *                              one priority, and at the deadline the campaign stops and ends EXPIRED
 */
public record NewCampaign(String account, List<String> inputs, String destinationExpression, Duration pinLifetime,
                          long windowFiles, long windowBytes, int priority, Instant deadline) {

    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 10;

    public NewCampaign {
        Objects.requireNonNull(account, "account");
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new InvalidObject("A campaign needs at least one input DID");
        }
        if (destinationExpression == null || destinationExpression.isBlank()) {
            throw new InvalidObject("A campaign needs a destination RSE expression ('rse_expression')");
        }
        if (pinLifetime == null || pinLifetime.isNegative() || pinLifetime.isZero()) {
            throw new InvalidObject("The pin lifetime must be positive, got " + pinLifetime);
        }
        Lifetimes.duration("pin_lifetime", pinLifetime);
        Lifetimes.instant("deadline", deadline);
        if (windowFiles < 1) {
            throw new InvalidObject("The window must allow at least one file in flight, got " + windowFiles);
        }
        if (windowBytes < 1) {
            throw new InvalidObject("The window must allow at least one byte in flight, got " + windowBytes);
        }
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new InvalidObject("The priority must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY
                    + ", got " + priority);
        }
    }
}

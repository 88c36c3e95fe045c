package org.stevedore.testsupport.fts;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How the {@link Fts3Emulator} behaves. Every file of a job moves through its states after the same delays,
 * counted from submission on the emulator's clock: {@code stagingTime} in STAGING (staging jobs only), then
 * {@code queueTime} SUBMITTED, then {@code transferTime} ACTIVE, then FINISHED or FAILED.
 *
 * @param vo                 the VO of every caller (deterministic job ids derive from it)
 * @param userDn             the caller's DN as whoami reports it
 * @param delegationId       the caller's delegation id
 * @param requireDelegation  answer 419 to submissions while no delegated proxy has at least an hour left (as FTS
 *                           does with X509); false for bearer-token callers
 * @param stagingTime        time in STAGING for jobs with bring_online or copy_pin_lifetime
 * @param queueTime          time in SUBMITTED
 * @param transferTime       time in ACTIVE
 * @param failureRate        share of files that fail, drawn at submission from a generator seeded with {@code seed}
 * @param seed               seed of that generator, so a run can be repeated
 * @param failDestination    files whose destination URL matches fail whatever the rate
 * @param archiveAfter       terminal jobs leave /jobs for /archive this long after they finished
 */
public record Fts3EmulatorSettings(String vo, String userDn, String delegationId, boolean requireDelegation,
                                   Duration stagingTime, Duration queueTime, Duration transferTime,
                                   double failureRate, long seed, Predicate<String> failDestination,
                                   Duration archiveAfter) {

    public Fts3EmulatorSettings {
        Objects.requireNonNull(vo, "vo");
        Objects.requireNonNull(userDn, "userDn");
        Objects.requireNonNull(delegationId, "delegationId");
        Objects.requireNonNull(failDestination, "failDestination");
        if (failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("failureRate must be within [0, 1], got " + failureRate);
        }
    }

    /** Instant transfers that all succeed, no delegation required, archive after 7 days (as FTS). */
    public static Fts3EmulatorSettings instant() {
        return new Fts3EmulatorSettings("dteam", "/DC=org/DC=stevedore/CN=emulated client", "emulated0dlg1d",
                false, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0.0, 42L, destination -> false,
                Duration.ofDays(7));
    }

    public Fts3EmulatorSettings withTimes(Duration staging, Duration queue, Duration transfer) {
        return new Fts3EmulatorSettings(vo, userDn, delegationId, requireDelegation, staging, queue, transfer,
                failureRate, seed, failDestination, archiveAfter);
    }

    public Fts3EmulatorSettings withFailures(double rate, Predicate<String> destinations) {
        return new Fts3EmulatorSettings(vo, userDn, delegationId, requireDelegation, stagingTime, queueTime,
                transferTime, rate, seed, destinations, archiveAfter);
    }

    public Fts3EmulatorSettings withDelegationRequired(boolean required) {
        return new Fts3EmulatorSettings(vo, userDn, delegationId, required, stagingTime, queueTime, transferTime,
                failureRate, seed, failDestination, archiveAfter);
    }

    public Fts3EmulatorSettings withArchiveAfter(Duration after) {
        return new Fts3EmulatorSettings(vo, userDn, delegationId, requireDelegation, stagingTime, queueTime,
                transferTime, failureRate, seed, failDestination, after);
    }
}

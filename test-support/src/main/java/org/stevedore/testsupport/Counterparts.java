package org.stevedore.testsupport;

import org.junit.jupiter.api.Assumptions;

/**
 * Guards a test that needs a real counterpart outside the JVM (a broker, a browser, PostgreSQL, a grid tool).
 *
 * <p>Why not a plain assumption: a skipped test passes, so a CI run whose package installation quietly failed would
 * report green without ever meeting the counterpart. The {@code e2e} Maven profile (what {@code .ci/run} runs) sets
 * {@value #REQUIRED_PROPERTY}{@code =true}, and there a missing counterpart fails the test. In the inner loop
 * ({@code mvn test} on a machine without the package) the test is skipped with the reason.
 */
public final class Counterparts {

    /** System property set by the {@code e2e} profile: missing counterparts fail instead of skipping. */
    public static final String REQUIRED_PROPERTY = "stevedore.counterparts.required";

    private Counterparts() {
    }

    /** Whether this run must meet every counterpart (the {@code e2e} profile). */
    public static boolean required() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /**
     * Continues when {@code present}; otherwise fails the test under the {@code e2e} profile and skips it elsewhere.
     *
     * @param what  the counterpart and how to get it, e.g. "rabbitmq-server (Debian package rabbitmq-server)"
     */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        String message = "needs " + what + "; .ci/run installs it";
        if (required()) {
            throw new AssertionError(message + " (" + REQUIRED_PROPERTY + "=true: the e2e profile must not skip)");
        }
        Assumptions.abort(message);
    }
}

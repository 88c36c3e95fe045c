package org.stevedore.web.config.transfer;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.transfer.conveyor.Submitter;

/**
 * The transfer agent's settings, under {@code stevedore.transfer.*}; each can be set by environment variable
 * ({@code STEVEDORE_TRANSFER_FTS_PROXY}, {@code STEVEDORE_TRANSFER_FTS_FILES_PER_JOB}, ...).
 *
 * <p>FTS servers are not listed here: each RSE names its own in its {@code fts} attribute. What is configured is how
 * Stevedore talks to all of them: its identity (an X509 certificate and key, or a proxy, or a bearer token), the CA
 * directory that vouches for the servers, and the client's limits. Besides the bean-validation bounds, the class
 * checks itself (Spring Boot runs a properties object's own {@link Validator}): the credential settings must make one
 * identity and name readable files; each message names the property.
 *
 * @param maxRetries         retries of a failed transfer request before its locks go STUCK (Rucio: 3)
 * @param submitterBatch     requests the submitter claims per cycle
 * @param pollerBatch        tool jobs the poller asks about per cycle
 * @param conveyorIdleSleep  how long the submitter and poller sleep after a cycle that found nothing to do
 * @param requeueDelay       how long a request that could not be submitted (no readable source, no tool) waits
 *                           before the next claim; unset: {@link Submitter#DEFAULT_REQUEUE_DELAY}
 * @param localCopierThreads parallel copies of the local (posix) transfer tool
 * @param fts                how Stevedore talks to the FTS3 servers the RSEs name
 */
@Validated
@ConfigurationProperties(TransferProperties.PREFIX)
public record TransferProperties(
        @DefaultValue("3") @Min(0) @Max(100) int maxRetries,
        @DefaultValue("200") @Min(1) int submitterBatch,
        @DefaultValue("200") @Min(1) int pollerBatch,
        @DefaultValue("1s") @NotNull Duration conveyorIdleSleep,
        @NotNull Duration requeueDelay,
        @DefaultValue("4") @Min(1) @Max(256) int localCopierThreads,
        @DefaultValue @Valid Fts fts) implements Validator {

    static final String PREFIX = "stevedore.transfer";

    public TransferProperties {
        requeueDelay = requeueDelay == null ? Submitter.DEFAULT_REQUEUE_DELAY : requeueDelay;
    }

    /**
     * How Stevedore talks to the FTS3 servers the RSEs name.
     *
     * @param certificate           service certificate (PEM, chain after it); needs {@code private-key}
     * @param privateKey            its unencrypted private key (PEM)
     * @param proxy                 a grid proxy file (certificate, key and chain in one PEM), instead of certificate
     *                              and private-key
     * @param caDirectory           IGTF-style CA directory trusted for the servers' host certificates; empty:
     *                              stevedore.x509's
     * @param token                 an OAuth2 bearer token (audience the FTS hosts, scope fts), instead of X509; no
     *                              delegation then; blank: none
     * @param tokenFile             a file holding the bearer token, read again whenever it changes (an OIDC agent
     *                              refreshes it), instead of token or X509
     * @param credentialRecheck     how often at most the proxy, certificate, key or token file is looked at for a
     *                              renewal
     * @param filesPerJob           files per FTS job; a link's bigger batch is split. FTS's optimizer wants bulk jobs
     * @param jobsPerQuery          job ids per bulk status request
     * @param maxAttempts           attempts per HTTP call on connection errors, timeouts and 5xx (1: no retry)
     * @param connectTimeout        how long connecting to an FTS server may take
     * @param readTimeout           how long an FTS server may take to answer
     * @param delegationLifetime    lifetime asked for a proxy delegated to FTS (cut to the credential's own expiry)
     * @param delegationRenewBefore delegate again when the delegated proxy has less than this left; FTS refuses under
     *                              one hour
     * @param maxTimeInQueue        FTS max_time_in_queue: a number with an s, m, h or d suffix (bare: hours)
     * @param issuer                recorded as the jobs' job_metadata.issuer
     */
    public record Fts(
            Path certificate,
            Path privateKey,
            Path proxy,
            Path caDirectory,
            String token,
            Path tokenFile,
            @DefaultValue("1m") Duration credentialRecheck,
            @DefaultValue("200") @Min(1) @Max(10_000) int filesPerJob,
            @DefaultValue("100") @Min(1) @Max(1_000) int jobsPerQuery,
            @DefaultValue("5") @Min(1) @Max(20) int maxAttempts,
            @DefaultValue("10s") @NotNull Duration connectTimeout,
            @DefaultValue("60s") @NotNull Duration readTimeout,
            @DefaultValue("12h") @NotNull Duration delegationLifetime,
            @DefaultValue("2h") @NotNull Duration delegationRenewBefore,
            @DefaultValue("6h") @NotBlank
            @Pattern(regexp = "[0-9]+[smhd]?", message = "must be a number with an optional s, m, h or d suffix")
            String maxTimeInQueue,
            @DefaultValue("stevedore") @NotBlank String issuer) {

        public Fts {
            token = token == null || token.isBlank() ? null : token.trim();
        }

        public boolean hasX509() {
            return proxy != null || certificate != null;
        }

        /** Never the token: this object may end up in a log or a failure message. */
        @Override
        public String toString() {
            return "Fts[certificate=" + certificate + ", privateKey=" + privateKey + ", proxy=" + proxy
                    + ", caDirectory=" + caDirectory + ", token=" + (token == null ? "none" : "***") + ", tokenFile=" + tokenFile
                    + "]";
        }
    }

    // ---- the checks bean validation cannot express ---------------------------------------------------------

    @Override
    public boolean supports(Class<?> type) {
        return TransferProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        Fts f = ((TransferProperties) target).fts;
        String p = PREFIX + ".fts.";
        if (f.proxy != null && (f.certificate != null || f.privateKey != null)) {
            errors.rejectValue("fts.proxy", "conflict", p + "proxy cannot be combined with " + p + "certificate / "
                    + p + "private-key: give either a proxy file or a certificate and its key");
        }
        if (f.certificate != null && f.privateKey == null) {
            errors.rejectValue("fts.privateKey", "missing", p + "private-key is needed with " + p + "certificate");
        }
        if (f.privateKey != null && f.certificate == null && f.proxy == null) {
            errors.rejectValue("fts.certificate", "missing", p + "certificate is needed with " + p + "private-key");
        }
        if (f.token != null && f.hasX509()) {
            errors.rejectValue("fts.token", "conflict", p + "token cannot be combined with an X509 credential ("
                    + p + "proxy or " + p + "certificate): choose one way to authenticate to FTS");
        }
        if (f.tokenFile != null && (f.token != null || f.hasX509())) {
            errors.rejectValue("fts.tokenFile", "conflict", p + "token-file cannot be combined with " + p + "token or "
                    + "an X509 credential: choose one way to authenticate to FTS");
        }
        readableFile(errors, "fts.tokenFile", f.tokenFile);
        positive(errors, "fts.credentialRecheck", f.credentialRecheck);
        readableFile(errors, "fts.proxy", f.proxy);
        readableFile(errors, "fts.certificate", f.certificate);
        readableFile(errors, "fts.privateKey", f.privateKey);
        if (f.caDirectory != null && !Files.isDirectory(f.caDirectory)) {
            errors.rejectValue("fts.caDirectory", "missing", p + "ca-directory " + f.caDirectory
                    + " is not a directory");
        }
        positive(errors, "fts.connectTimeout", f.connectTimeout);
        positive(errors, "fts.readTimeout", f.readTimeout);
        Duration requeue = ((TransferProperties) target).requeueDelay;
        if (requeue != null && requeue.isNegative()) {
            errors.rejectValue("requeueDelay", "range", PREFIX + ".requeue-delay must not be negative, got " + requeue);
        }
        Duration idle = ((TransferProperties) target).conveyorIdleSleep;
        if (idle != null && (idle.isNegative() || idle.isZero()
                || idle.compareTo(HeartbeatStore.DEFAULT_TIMEOUT) >= 0)) {
            errors.rejectValue("conveyorIdleSleep", "range", PREFIX + ".conveyor-idle-sleep must be positive and "
                    + "below the daemons' heartbeat timeout (60s), got " + idle);
        }
        if (f.delegationRenewBefore != null && f.delegationRenewBefore.compareTo(Duration.ofHours(1)) <= 0) {
            errors.rejectValue("fts.delegationRenewBefore", "range", p + "delegation-renew-before must exceed 1h: "
                    + "FTS refuses submissions when the delegated proxy has less than an hour left");
        }
        if (f.delegationLifetime != null && f.delegationRenewBefore != null
                && f.delegationLifetime.compareTo(f.delegationRenewBefore) <= 0) {
            errors.rejectValue("fts.delegationLifetime", "range", p + "delegation-lifetime ("
                    + f.delegationLifetime + ") must exceed " + p + "delegation-renew-before ("
                    + f.delegationRenewBefore + ")");
        }
    }

    private static void readableFile(Errors errors, String field, Path path) {
        if (path != null && !(Files.isRegularFile(path) && Files.isReadable(path))) {
            errors.rejectValue(field, "missing", PREFIX + "." + kebab(field) + ": no readable file at " + path);
        }
    }

    private static void positive(Errors errors, String field, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            errors.rejectValue(field, "range", PREFIX + "." + kebab(field) + " must be positive, got " + d);
        }
    }

    /** {@code fts.privateKey} → {@code fts.private-key}: the property's name as operators write it. */
    private static String kebab(String field) {
        return field.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}

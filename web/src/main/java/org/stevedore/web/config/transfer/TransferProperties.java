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
 */
@Validated
@ConfigurationProperties(TransferProperties.PREFIX)
public class TransferProperties implements Validator {

    static final String PREFIX = "stevedore.transfer";

    /** Retries of a failed transfer request before its locks go STUCK (Rucio: 3). */
    @Min(0)
    @Max(100)
    private int maxRetries = 3;
    /** Requests the submitter claims per cycle. */
    @Min(1)
    private int submitterBatch = 200;
    /** Tool jobs the poller asks about per cycle. */
    @Min(1)
    private int pollerBatch = 200;
    /** How long the submitter and poller sleep after a cycle that found nothing to do. */
    @NotNull
    private Duration conveyorIdleSleep = Duration.ofSeconds(1);
    /** How long a request that could not be submitted (no readable source, no tool) waits before the next claim. */
    @NotNull
    private Duration requeueDelay = Submitter.DEFAULT_REQUEUE_DELAY;
    /** Parallel copies of the local (posix) transfer tool. */
    @Min(1)
    @Max(256)
    private int localCopierThreads = 4;

    @Valid
    private final Fts fts = new Fts();

    /** How Stevedore talks to the FTS3 servers the RSEs name. */
    public static class Fts {
        /** Service certificate (PEM, chain after it); needs {@code private-key}. */
        private Path certificate;
        /** Its unencrypted private key (PEM). */
        private Path privateKey;
        /** A grid proxy file (certificate, key and chain in one PEM), instead of certificate and private-key. */
        private Path proxy;
        /** IGTF-style CA directory trusted for the servers' host certificates; empty: stevedore.x509's. */
        private Path caDirectory;
        /** An OAuth2 bearer token (audience the FTS hosts, scope fts), instead of X509; no delegation then. */
        private String token;
        /**
         * A file holding the bearer token, read again whenever it changes (an OIDC agent refreshes it), instead of
         * token or X509.
         */
        private Path tokenFile;
        /** How often at most the proxy, certificate, key or token file is looked at for a renewal. */
        private Duration credentialRecheck = Duration.ofMinutes(1);
        /** Files per FTS job; a link's bigger batch is split. FTS's optimizer wants bulk jobs. */
        @Min(1)
        @Max(10_000)
        private int filesPerJob = 200;
        /** Job ids per bulk status request. */
        @Min(1)
        @Max(1_000)
        private int jobsPerQuery = 100;
        /** Attempts per HTTP call on connection errors, timeouts and 5xx (1: no retry). */
        @Min(1)
        @Max(20)
        private int maxAttempts = 5;
        @NotNull
        private Duration connectTimeout = Duration.ofSeconds(10);
        @NotNull
        private Duration readTimeout = Duration.ofSeconds(60);
        /** Lifetime asked for a proxy delegated to FTS (cut to the credential's own expiry). */
        @NotNull
        private Duration delegationLifetime = Duration.ofHours(12);
        /** Delegate again when the delegated proxy has less than this left; FTS refuses under one hour. */
        @NotNull
        private Duration delegationRenewBefore = Duration.ofHours(2);
        /** FTS max_time_in_queue: a number with an s, m, h or d suffix (bare: hours). */
        @NotBlank
        @Pattern(regexp = "[0-9]+[smhd]?", message = "must be a number with an optional s, m, h or d suffix")
        private String maxTimeInQueue = "6h";
        /** Recorded as the jobs' job_metadata.issuer. */
        @NotBlank
        private String issuer = "stevedore";

        public boolean hasX509() {
            return proxy != null || certificate != null;
        }

        public Path getCertificate() {
            return certificate;
        }

        public void setCertificate(Path certificate) {
            this.certificate = certificate;
        }

        public Path getPrivateKey() {
            return privateKey;
        }

        public void setPrivateKey(Path privateKey) {
            this.privateKey = privateKey;
        }

        public Path getProxy() {
            return proxy;
        }

        public void setProxy(Path proxy) {
            this.proxy = proxy;
        }

        public Path getCaDirectory() {
            return caDirectory;
        }

        public void setCaDirectory(Path caDirectory) {
            this.caDirectory = caDirectory;
        }

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token == null || token.isBlank() ? null : token.trim();
        }

        public Path getTokenFile() {
            return tokenFile;
        }

        public void setTokenFile(Path tokenFile) {
            this.tokenFile = tokenFile;
        }

        public Duration getCredentialRecheck() {
            return credentialRecheck;
        }

        public void setCredentialRecheck(Duration credentialRecheck) {
            this.credentialRecheck = credentialRecheck;
        }

        public int getFilesPerJob() {
            return filesPerJob;
        }

        public void setFilesPerJob(int filesPerJob) {
            this.filesPerJob = filesPerJob;
        }

        public int getJobsPerQuery() {
            return jobsPerQuery;
        }

        public void setJobsPerQuery(int jobsPerQuery) {
            this.jobsPerQuery = jobsPerQuery;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getReadTimeout() {
            return readTimeout;
        }

        public void setReadTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
        }

        public Duration getDelegationLifetime() {
            return delegationLifetime;
        }

        public void setDelegationLifetime(Duration delegationLifetime) {
            this.delegationLifetime = delegationLifetime;
        }

        public Duration getDelegationRenewBefore() {
            return delegationRenewBefore;
        }

        public void setDelegationRenewBefore(Duration delegationRenewBefore) {
            this.delegationRenewBefore = delegationRenewBefore;
        }

        public String getMaxTimeInQueue() {
            return maxTimeInQueue;
        }

        public void setMaxTimeInQueue(String maxTimeInQueue) {
            this.maxTimeInQueue = maxTimeInQueue;
        }

        public String getIssuer() {
            return issuer;
        }

        public void setIssuer(String issuer) {
            this.issuer = issuer;
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

    // ---- accessors ------------------------------------------------------------------------------------------

    public int getMaxRetries() {
        return maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    public int getSubmitterBatch() {
        return submitterBatch;
    }

    public void setSubmitterBatch(int submitterBatch) {
        this.submitterBatch = submitterBatch;
    }

    public int getPollerBatch() {
        return pollerBatch;
    }

    public void setPollerBatch(int pollerBatch) {
        this.pollerBatch = pollerBatch;
    }

    public Duration getConveyorIdleSleep() {
        return conveyorIdleSleep;
    }

    public void setConveyorIdleSleep(Duration conveyorIdleSleep) {
        this.conveyorIdleSleep = conveyorIdleSleep;
    }

    public Duration getRequeueDelay() {
        return requeueDelay;
    }

    public void setRequeueDelay(Duration requeueDelay) {
        this.requeueDelay = requeueDelay;
    }

    public int getLocalCopierThreads() {
        return localCopierThreads;
    }

    public void setLocalCopierThreads(int localCopierThreads) {
        this.localCopierThreads = localCopierThreads;
    }

    public Fts getFts() {
        return fts;
    }
}

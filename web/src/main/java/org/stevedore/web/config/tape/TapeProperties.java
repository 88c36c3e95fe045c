package org.stevedore.web.config.tape;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Tape endpoints of RSEs, pins and campaign deadlines, under {@code stevedore.tape.*} ({@code STEVEDORE_TAPE_...}).
 */
@Validated
@ConfigurationProperties(TapeProperties.PREFIX)
public class TapeProperties {

    public static final String PREFIX = "stevedore.tape";

    /** How Stevedore talks to the Tape REST endpoints RSEs name in their {@code tape_rest} attribute. */
    @Valid
    private final Rest rest = new Rest();
    /** The pins of staged replicas and their releaser. */
    @Valid
    private final Pins pins = new Pins();
    /** The backstop that enforces the deadlines of campaigns no job is running (paused, waiting to resume). */
    @Valid
    private final Deadlines deadlines = new Deadlines();

    public static class Rest {
        /** An RFC 3820 proxy (certificate, key and chain in one file). */
        private Path proxy;
        /** A certificate (PEM chain), with {@code private-key}. */
        private Path certificate;
        private Path privateKey;
        /** A bearer token sent with every call (alone, or with the certificate). */
        private String token;
        /** CAs the endpoints' host certificates chain to; empty: the CA directory of {@code stevedore.x509}. */
        private Path caDirectory;
        /** Paths per stage request at most (FTS sends 200). */
        @Min(1)
        private int maxFilesPerRequest = 200;
        /** Tries per call when the answer is a 5xx or none at all. */
        @Min(1)
        private int maxAttempts = 5;
        @NotNull
        private Duration connectTimeout = Duration.ofSeconds(10);
        /** Longest wait for an answer (busy tape frontends are slow). */
        @NotNull
        private Duration socketTimeout = Duration.ofMinutes(2);
        @Min(1)
        private int maxConnections = 10;
        /** How soon changes of RSE attributes and protocols reach the endpoints (what an RSE resolves to is kept). */
        @NotNull
        private Duration refresh = Duration.ofSeconds(30);

        public Path getProxy() {
            return proxy;
        }

        public void setProxy(Path proxy) {
            this.proxy = proxy;
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

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token == null || token.isBlank() ? null : token.strip();
        }

        public Path getCaDirectory() {
            return caDirectory;
        }

        public void setCaDirectory(Path caDirectory) {
            this.caDirectory = caDirectory;
        }

        public int getMaxFilesPerRequest() {
            return maxFilesPerRequest;
        }

        public void setMaxFilesPerRequest(int maxFilesPerRequest) {
            this.maxFilesPerRequest = maxFilesPerRequest;
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

        public Duration getSocketTimeout() {
            return socketTimeout;
        }

        public void setSocketTimeout(Duration socketTimeout) {
            this.socketTimeout = socketTimeout;
        }

        public int getMaxConnections() {
            return maxConnections;
        }

        public void setMaxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
        }

        public Duration getRefresh() {
            return refresh;
        }

        public void setRefresh(Duration refresh) {
            this.refresh = refresh;
        }
    }

    public static class Pins {
        /** Whether this process runs a pin releaser. */
        private boolean releaser = true;
        /** Pins looked at per releaser cycle. */
        @Min(1)
        @Max(100_000)
        private int batchSize = 1_000;
        /** Sleep after a releaser cycle that released nothing; below the heartbeat timeout (60 s). */
        @NotNull
        private Duration idleSleep = Duration.ofSeconds(30);
        /** How long rules keep a staged replica pinned on an RSE without a {@code max_pin_lifetime} attribute. */
        @NotNull
        private Duration maxLifetime = Duration.ofDays(7);

        public boolean isReleaser() {
            return releaser;
        }

        public void setReleaser(boolean releaser) {
            this.releaser = releaser;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public Duration getIdleSleep() {
            return idleSleep;
        }

        public void setIdleSleep(Duration idleSleep) {
            this.idleSleep = idleSleep;
        }

        public Duration getMaxLifetime() {
            return maxLifetime;
        }

        public void setMaxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
        }
    }

    public static class Deadlines {
        /** Whether this process enforces deadlines of campaigns without a running job. */
        private boolean enabled = true;
        /** How often. */
        @NotNull
        private Duration interval = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }
    }

    public Rest getRest() {
        return rest;
    }

    public Pins getPins() {
        return pins;
    }

    public Deadlines getDeadlines() {
        return deadlines;
    }
}

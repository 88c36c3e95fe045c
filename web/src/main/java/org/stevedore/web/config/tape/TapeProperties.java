package org.stevedore.web.config.tape;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tape endpoints of RSEs, pins and campaign deadlines, under {@code stevedore.tape.*} ({@code STEVEDORE_TAPE_...}).
 *
 * @param rest      how Stevedore talks to the Tape REST endpoints RSEs name in their {@code tape_rest} attribute
 * @param pins      the pins of staged replicas and their releaser
 * @param deadlines the backstop that enforces the deadlines of campaigns no job is running (paused, waiting to
 *                  resume)
 */
@Validated
@ConfigurationProperties(TapeProperties.PREFIX)
public record TapeProperties(
        @DefaultValue @Valid Rest rest,
        @DefaultValue @Valid Pins pins,
        @DefaultValue @Valid Deadlines deadlines) {

    public static final String PREFIX = "stevedore.tape";

    /**
     * The client of the Tape REST endpoints.
     *
     * @param proxy              an RFC 3820 proxy (certificate, key and chain in one file)
     * @param certificate        a certificate (PEM chain), with {@code private-key}
     * @param privateKey         its private key
     * @param token              a bearer token sent with every call (alone, or with the certificate); blank: none
     * @param caDirectory        CAs the endpoints' host certificates chain to; empty: the CA directory of
     *                           {@code stevedore.x509}
     * @param maxFilesPerRequest paths per stage request at most (FTS sends 200)
     * @param maxAttempts        tries per call when the answer is a 5xx or none at all
     * @param connectTimeout     how long connecting may take
     * @param socketTimeout      longest wait for an answer (busy tape frontends are slow)
     * @param maxConnections     connections per endpoint at most
     * @param refresh            how soon changes of RSE attributes and protocols reach the endpoints (what an RSE
     *                           resolves to is kept)
     */
    public record Rest(
            Path proxy,
            Path certificate,
            Path privateKey,
            String token,
            Path caDirectory,
            @DefaultValue("200") @Min(1) int maxFilesPerRequest,
            @DefaultValue("5") @Min(1) int maxAttempts,
            @DefaultValue("10s") @NotNull Duration connectTimeout,
            @DefaultValue("2m") @NotNull Duration socketTimeout,
            @DefaultValue("10") @Min(1) int maxConnections,
            @DefaultValue("30s") @NotNull Duration refresh) {

        public Rest {
            token = token == null || token.isBlank() ? null : token.strip();
        }

        /** Never the token: this object may end up in a log or a failure message. */
        @Override
        public String toString() {
            return "Rest[proxy=" + proxy + ", certificate=" + certificate + ", privateKey=" + privateKey + ", token="
                    + (token == null ? "none" : "***") + ", caDirectory=" + caDirectory + ", maxFilesPerRequest="
                    + maxFilesPerRequest + ", maxAttempts=" + maxAttempts + ", connectTimeout=" + connectTimeout
                    + ", socketTimeout=" + socketTimeout + ", maxConnections=" + maxConnections + ", refresh="
                    + refresh + "]";
        }
    }

    /**
     * The pins of staged replicas.
     *
     * @param releaser    whether this process runs a pin releaser
     * @param batchSize   pins looked at per releaser cycle
     * @param idleSleep   sleep after a releaser cycle that released nothing; below the heartbeat timeout (60 s)
     * @param maxLifetime how long rules keep a staged replica pinned on an RSE without a {@code max_pin_lifetime}
     *                    attribute
     */
    public record Pins(
            @DefaultValue("true") boolean releaser,
            @DefaultValue("1000") @Min(1) @Max(100_000) int batchSize,
            @DefaultValue("30s") @NotNull Duration idleSleep,
            @DefaultValue("7d") @NotNull Duration maxLifetime) {
    }

    /**
     * The campaign deadline backstop.
     *
     * @param enabled  whether this process enforces deadlines of campaigns without a running job
     * @param interval how often
     */
    public record Deadlines(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("30s") @NotNull Duration interval) {
    }
}

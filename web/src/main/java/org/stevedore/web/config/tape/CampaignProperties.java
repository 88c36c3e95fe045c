package org.stevedore.web.config.tape;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Pre-staging campaigns, their job repository and the embedded emulated tape, under {@code stevedore.campaigns.*}.
 *
 * @param batch              Spring Batch's job repository. Empty URL: an H2 file {@code <data-dir>/batch}
 * @param endpointWindow     what one tape endpoint takes in flight, shared by the campaigns using it
 * @param localTape          the embedded TAPE RSE (LOCAL_TAPE), emulated; only with the embedded store
 * @param maxFilesPerRequest files per stage request at most
 * @param pollInterval       how often outstanding stage requests are polled
 * @param rateWindow         span over which the current rate (and the ETA) is measured
 * @param expansionBatch     files written per store transaction while expanding inputs
 * @param resumeOnStart      whether RUNNING campaigns are resumed when the service starts
 */
@Validated
@ConfigurationProperties("stevedore.campaigns")
public record CampaignProperties(
        @DefaultValue @Valid Batch batch,
        @DefaultValue @Valid EndpointWindow endpointWindow,
        @DefaultValue @Valid LocalTape localTape,
        @DefaultValue("200") @Min(1) int maxFilesPerRequest,
        @DefaultValue("5s") @NotNull Duration pollInterval,
        @DefaultValue("5m") @NotNull Duration rateWindow,
        @DefaultValue("5000") @Min(1) int expansionBatch,
        @DefaultValue("true") boolean resumeOnStart) {

    /**
     * Spring Batch's job repository.
     *
     * @param url      JDBC URL, e.g. {@code jdbc:postgresql://db/stevedore}; empty for the H2 file
     * @param username its user; empty: {@code sa} on H2
     * @param password that user's password
     */
    public record Batch(String url, String username, String password) {

        /** Never the password: this object may end up in a log or a failure message. */
        @Override
        public String toString() {
            return "Batch[url=" + url + ", username=" + username + ", password=" + (password == null ? "none" : "***")
                    + "]";
        }
    }

    /**
     * What one tape endpoint takes in flight.
     *
     * @param files files in flight at most
     * @param bytes bytes in flight at most
     */
    public record EndpointWindow(
            @DefaultValue("10000") @Min(1) long files,
            @DefaultValue("10TB") @NotNull DataSize bytes) {
    }

    /**
     * The emulated LOCAL_TAPE.
     *
     * @param enabled        whether an embedded store gets it
     * @param drives         its drives
     * @param mountLatency   how long a mount takes
     * @param driveBandwidth what one drive reads per second
     * @param bufferCapacity its disk buffer
     * @param migrationDelay how long a file written to it stays DISK only (archiveinfo) before it is on tape
     */
    public record LocalTape(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2") @Min(1) int drives,
            @DefaultValue("2s") @NotNull Duration mountLatency,
            @DefaultValue("200MB") @NotNull DataSize driveBandwidth,
            @DefaultValue("2GB") @NotNull DataSize bufferCapacity,
            @DefaultValue("3s") @NotNull Duration migrationDelay) {
    }
}

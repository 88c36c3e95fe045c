package org.stevedore.web.config.tape;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/** Pre-staging campaigns, their job repository and the embedded emulated tape, under {@code stevedore.campaigns.*}. */
@Validated
@ConfigurationProperties("stevedore.campaigns")
public class CampaignProperties {

    /** Spring Batch's job repository. Empty URL: an H2 file {@code <data-dir>/batch}. */
    @Valid
    private final Batch batch = new Batch();
    /** What one tape endpoint takes in flight, shared by the campaigns using it. */
    @Valid
    private final EndpointWindow endpointWindow = new EndpointWindow();
    /** The embedded TAPE RSE (LOCAL_TAPE), emulated; only with the embedded store. */
    @Valid
    private final LocalTape localTape = new LocalTape();
    /** Files per stage request at most. */
    @Min(1)
    private int maxFilesPerRequest = 200;
    /** How often outstanding stage requests are polled. */
    @NotNull
    private Duration pollInterval = Duration.ofSeconds(5);
    /** Span over which the current rate (and the ETA) is measured. */
    @NotNull
    private Duration rateWindow = Duration.ofMinutes(5);
    /** Files written per store transaction while expanding inputs. */
    @Min(1)
    private int expansionBatch = 5_000;
    /** Whether RUNNING campaigns are resumed when the service starts. */
    private boolean resumeOnStart = true;

    public static class Batch {
        /** JDBC URL, e.g. {@code jdbc:postgresql://db/stevedore}; empty for the H2 file. */
        private String url;
        private String username;
        private String password;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }

    public static class EndpointWindow {
        @Min(1)
        private long files = 10_000;
        @NotNull
        private DataSize bytes = DataSize.ofTerabytes(10);

        public long getFiles() {
            return files;
        }

        public void setFiles(long files) {
            this.files = files;
        }

        public DataSize getBytes() {
            return bytes;
        }

        public void setBytes(DataSize bytes) {
            this.bytes = bytes;
        }
    }

    public static class LocalTape {
        private boolean enabled = true;
        @Min(1)
        private int drives = 2;
        @NotNull
        private Duration mountLatency = Duration.ofSeconds(2);
        @NotNull
        private DataSize driveBandwidth = DataSize.ofMegabytes(200);
        @NotNull
        private DataSize bufferCapacity = DataSize.ofGigabytes(2);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getDrives() {
            return drives;
        }

        public void setDrives(int drives) {
            this.drives = drives;
        }

        public Duration getMountLatency() {
            return mountLatency;
        }

        public void setMountLatency(Duration mountLatency) {
            this.mountLatency = mountLatency;
        }

        public DataSize getDriveBandwidth() {
            return driveBandwidth;
        }

        public void setDriveBandwidth(DataSize driveBandwidth) {
            this.driveBandwidth = driveBandwidth;
        }

        public DataSize getBufferCapacity() {
            return bufferCapacity;
        }

        public void setBufferCapacity(DataSize bufferCapacity) {
            this.bufferCapacity = bufferCapacity;
        }
    }

    public Batch getBatch() {
        return batch;
    }

    public EndpointWindow getEndpointWindow() {
        return endpointWindow;
    }

    public LocalTape getLocalTape() {
        return localTape;
    }

    public int getMaxFilesPerRequest() {
        return maxFilesPerRequest;
    }

    public void setMaxFilesPerRequest(int maxFilesPerRequest) {
        this.maxFilesPerRequest = maxFilesPerRequest;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public Duration getRateWindow() {
        return rateWindow;
    }

    public void setRateWindow(Duration rateWindow) {
        this.rateWindow = rateWindow;
    }

    public int getExpansionBatch() {
        return expansionBatch;
    }

    public void setExpansionBatch(int expansionBatch) {
        this.expansionBatch = expansionBatch;
    }

    public boolean isResumeOnStart() {
        return resumeOnStart;
    }

    public void setResumeOnStart(boolean resumeOnStart) {
        this.resumeOnStart = resumeOnStart;
    }
}

package org.stevedore.web.config.bridge;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How workload bridge tasks recall their tape inputs, under {@code stevedore.task-staging.*}: inputs whose only
 * replicas are on tape RSEs with a tape endpoint come back through one pre-staging campaign per task, with this window.
 */
@Validated
@ConfigurationProperties("stevedore.task-staging")
public class TaskStagingProperties {

    /** Off: every input goes through the task's pin rule, tape ones recalled by its transfers (FTS bring_online). */
    private boolean enabled = true;
    /** A task campaign's files in flight per tape endpoint at most. */
    @Min(1)
    private long windowFiles = 5_000;
    /** A task campaign's bytes in flight per tape endpoint at most. */
    private DataSize windowBytes = DataSize.ofTerabytes(10);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public long getWindowFiles() {
        return windowFiles;
    }

    public void setWindowFiles(long windowFiles) {
        this.windowFiles = windowFiles;
    }

    public DataSize getWindowBytes() {
        return windowBytes;
    }

    public void setWindowBytes(DataSize windowBytes) {
        this.windowBytes = windowBytes;
    }
}

package org.stevedore.web.config.bridge;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How workload bridge tasks recall their tape inputs, under {@code stevedore.task-staging.*}: inputs whose only
 * replicas are on tape RSEs with a tape endpoint come back through one pre-staging campaign per task, with this window.
 *
 * @param enabled     off: every input goes through the task's pin rule, tape ones recalled by its transfers (FTS
 *                    bring_online)
 * @param windowFiles a task campaign's files in flight per tape endpoint at most
 * @param windowBytes a task campaign's bytes in flight per tape endpoint at most
 */
@Validated
@ConfigurationProperties("stevedore.task-staging")
public record TaskStagingProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5000") @Min(1) long windowFiles,
        @DefaultValue("10TB") DataSize windowBytes) {
}

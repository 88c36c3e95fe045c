package org.stevedore.web.config.transfer;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Archive confirmation, under {@code stevedore.archive-confirmation.*}: a copy written to a TAPE RSE with a tape
 * endpoint counts as on tape (request DONE, replica AVAILABLE, lock OK) only once the endpoint's {@code archiveinfo}
 * says its locality holds TAPE.
 *
 * @param enabled off: a copy to tape counts as archived when it lands, as before
 * @param poll    how often the waiting copies are asked about
 * @param batch   waiting copies asked about per cycle (in {@code archiveinfo} calls of the endpoint's request size)
 */
@Validated
@ConfigurationProperties("stevedore.archive-confirmation")
public record ArchiveConfirmationProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5s") @NotNull Duration poll,
        @DefaultValue("1000") @Min(1) int batch) {
}

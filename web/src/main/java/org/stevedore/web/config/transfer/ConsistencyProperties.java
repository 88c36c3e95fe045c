package org.stevedore.web.config.transfer;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * The consistency check of RSEs (storage listing against the catalog), under {@code stevedore.consistency.*}
 * ({@code STEVEDORE_CONSISTENCY_...}).
 *
 * @param enabled       whether this process runs the periodic check (the {@code auditor} worker); the admin's
 *                      {@code POST /rses/{rse}/consistency} works either way
 * @param every         how often each RSE is checked
 * @param darkGrace     how long a file must have been dark, in consecutive runs, before it is deleted
 * @param deleteDark    whether dark files past their grace are deleted (else only reported)
 * @param dumpDirectory where storage dumps in Rucio's format are found, {@code <RSE>.dump} or {@code <RSE>}; empty
 *                      for none (posix RSEs are then walked)
 * @param findingsKept  missing and dark paths recorded per run and kind (the counts are exact)
 */
@Validated
@ConfigurationProperties("stevedore.consistency")
public record ConsistencyProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("24h") @NotNull Duration every,
        @DefaultValue("7d") @NotNull Duration darkGrace,
        @DefaultValue("true") boolean deleteDark,
        @DefaultValue("") String dumpDirectory,
        @DefaultValue("10000") @Min(0) @Max(1_000_000) int findingsKept) implements Validator {

    @Override
    public boolean supports(Class<?> type) {
        return ConsistencyProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        ConsistencyProperties p = (ConsistencyProperties) target;
        if (p.every != null && (p.every.isNegative() || p.every.isZero())) {
            errors.rejectValue("every", "range", "stevedore.consistency.every must be positive, got " + p.every);
        }
        if (p.darkGrace != null && p.darkGrace.isNegative()) {
            errors.rejectValue("darkGrace", "range", "stevedore.consistency.dark-grace must not be negative, got "
                    + p.darkGrace);
        }
    }
}

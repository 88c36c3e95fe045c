package org.stevedore.catalog.store;

import java.util.function.Supplier;
import org.neo4j.driver.exceptions.ClientException;

/** Uniqueness constraints as the last word on duplicates, when a concurrent writer wins the race past a check. */
public final class Constraints {

    private static final String CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed";

    private Constraints() {
    }

    public static boolean isUniquenessViolation(ClientException e) {
        return CONSTRAINT_FAILED.equals(e.code());
    }

    /** Runs {@code work}, turning a uniqueness violation into the domain's duplicate error. */
    public static <T> T refusingDuplicates(Supplier<T> work, Supplier<? extends RuntimeException> duplicate) {
        try {
            return work.get();
        } catch (ClientException e) {
            if (isUniquenessViolation(e)) {
                throw duplicate.get();
            }
            throw e;
        }
    }
}

package org.stevedore.auth.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.InvalidObject;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesAreSaltedArgon2idThatVerifyOnlyTheRightPassword() {
        String hash = hasher.hash("correct horse");

        assertThat(hash).startsWith("$argon2id$").doesNotContain("correct horse");
        assertThat(hasher.hash("correct horse")).isNotEqualTo(hash);
        assertThat(hasher.verify("correct horse", hash)).isTrue();
        assertThat(hasher.verify("correct horsf", hash)).isFalse();
        assertThat(hasher.verify("", hash)).isFalse();
        assertThat(hasher.verify(null, hash)).isFalse();
    }

    @Test
    void missingOrMalformedHashesNeverVerify() {
        assertThat(hasher.verify("anything", null)).isFalse();
        assertThat(hasher.verify("anything", "")).isFalse();
        assertThat(hasher.verify("anything", "$argon2id$garbage")).isFalse();
    }

    @Test
    void emptyOrHugePasswordsAreRefused() {
        assertThatThrownBy(() -> hasher.hash("")).isInstanceOf(InvalidObject.class).hasMessageContaining("password");
        assertThatThrownBy(() -> hasher.hash("x".repeat(PasswordHasher.MAX_PASSWORD + 1)))
                .isInstanceOf(InvalidObject.class);
    }
}

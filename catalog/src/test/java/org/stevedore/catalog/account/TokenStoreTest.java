package org.stevedore.catalog.account;

import org.stevedore.catalog.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.testing.StoreTest;

class TokenStoreTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final AccountStore accounts = new AccountStore(store, clock);
    private final TokenStore tokens = new TokenStore(store, clock);

    @BeforeEach
    void anAccount() {
        accounts.add("jdoe", AccountType.USER, null);
    }

    @Test
    void aCreatedTokenIsFoundByItsHashUntilItExpires() {
        TokenHash hash = TokenHash.of("jdoe-secret-token");
        Instant expires = clock.instant().plus(Duration.ofHours(1));
        Token created = tokens.create(hash, "jdoe", "jdoe", expires);

        assertThat(tokens.findValid(hash)).contains(created);
        assertThat(created.createdAt()).isEqualTo(clock.instant());

        clock.advance(Duration.ofMinutes(59));
        assertThat(tokens.findValid(hash)).isPresent();
        clock.set(expires);
        assertThat(tokens.findValid(hash)).as("expired at its expiry instant").isEmpty();
    }

    @Test
    void unknownHashIsAbsent() {
        assertThat(tokens.findValid(TokenHash.of("never-issued"))).isEmpty();
    }

    @Test
    void onlyTheHashIsStored() {
        String raw = "jdoe-AAAABBBBCCCCDDDD";
        tokens.create(TokenHash.of(raw), "jdoe", "jdoe", clock.instant().plusSeconds(60));

        List<Object> values = store.read(tx -> tx.run("MATCH (t:Token) RETURN properties(t) AS p").single()
                .get("p").asMap().values().stream().map(Object.class::cast).toList());
        assertThat(values).doesNotContain(raw).contains(TokenHash.of(raw).hex());
        assertThat(TokenHash.of(raw).hex()).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void tokensOfSuspendedOrDeletedAccountsAreNotValid() {
        accounts.add("prod", AccountType.SERVICE, null);
        TokenHash jdoe = TokenHash.of("t1");
        TokenHash prod = TokenHash.of("t2");
        tokens.create(jdoe, "jdoe", "jdoe", clock.instant().plusSeconds(600));
        tokens.create(prod, "prod", "prod", clock.instant().plusSeconds(600));

        accounts.update("jdoe", AccountUpdate.status(AccountStatus.SUSPENDED));
        accounts.delete("prod");

        assertThat(tokens.findValid(jdoe)).isEmpty();
        assertThat(tokens.findValid(prod)).isEmpty();
        accounts.update("jdoe", AccountUpdate.status(AccountStatus.ACTIVE));
        assertThat(tokens.findValid(jdoe)).isPresent();
    }

    @Test
    void theSameHashTwiceIsDuplicate() {
        TokenHash hash = TokenHash.of("t");
        tokens.create(hash, "jdoe", "jdoe", clock.instant().plusSeconds(60));

        assertThatThrownBy(() -> tokens.create(hash, "jdoe", "jdoe", clock.instant().plusSeconds(60)))
                .isInstanceOf(Duplicate.class);
    }

    @Test
    void deleteRemovesOneToken() {
        TokenHash hash = TokenHash.of("t");
        tokens.create(hash, "jdoe", "jdoe", clock.instant().plusSeconds(60));

        assertThat(tokens.delete(hash)).isTrue();
        assertThat(tokens.findValid(hash)).isEmpty();
        assertThat(tokens.delete(hash)).isFalse();
    }

    @Test
    void deleteExpiredRemovesEveryExpiredTokenInBatchesAndKeepsValidOnes() {
        for (int i = 0; i < 25; i++) {
            tokens.create(TokenHash.of("old-" + i), "jdoe", "jdoe", clock.instant().plusSeconds(i));
        }
        for (int i = 0; i < 5; i++) {
            tokens.create(TokenHash.of("new-" + i), "jdoe", "jdoe", clock.instant().plusSeconds(3_600));
        }
        clock.advance(Duration.ofSeconds(24)); // old-0 .. old-24 expire at +0s .. +24s

        assertThat(tokens.deleteExpired(10)).isEqualTo(25);
        assertThat(tokens.deleteExpired(10)).isZero();
        long left = store.read(tx -> tx.run("MATCH (t:Token) RETURN count(t) AS n", Map.of()).single().get("n").asLong());
        assertThat(left).isEqualTo(5);
        assertThat(tokens.findValid(TokenHash.of("new-3"))).isPresent();
    }
}

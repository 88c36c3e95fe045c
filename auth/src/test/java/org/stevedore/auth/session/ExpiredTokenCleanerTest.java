package org.stevedore.auth.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.account.TokenHash;
import org.stevedore.catalog.account.TokenStore;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

class ExpiredTokenCleanerTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final TokenStore tokens = new TokenStore(store, clock);

    private long tokenCount() {
        return store.read(tx -> tx.run("MATCH (t:Token) RETURN count(t) AS n").single().get("n").asLong());
    }

    @Test
    void removesOnlyExpiredTokensAndOnlyOnTheFirstPartition() {
        new AccountStore(store, clock).add("jdoe", AccountType.USER, null);
        Instant now = clock.instant();
        for (int i = 0; i < 25; i++) {
            tokens.create(TokenHash.of("old-" + i), "jdoe", "jdoe", now.plus(Duration.ofMinutes(1)));
        }
        tokens.create(TokenHash.of("fresh"), "jdoe", "jdoe", now.plus(Duration.ofHours(2)));
        clock.advance(Duration.ofMinutes(5));
        ExpiredTokenCleaner cleaner = new ExpiredTokenCleaner(tokens, 10);

        assertThat(cleaner.runOnce(new Partition(1, 2)).didWork()).isFalse();
        assertThat(tokenCount()).isEqualTo(26);
        assertThat(cleaner.runOnce(new Partition(0, 2)).items()).isEqualTo(25);
        assertThat(tokenCount()).isEqualTo(1);
        assertThat(tokens.findValid(TokenHash.of("fresh"))).isPresent();
        assertThat(cleaner.runOnce(Partition.whole()).didWork()).isFalse();
    }
}

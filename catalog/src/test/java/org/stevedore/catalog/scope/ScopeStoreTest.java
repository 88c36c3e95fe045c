package org.stevedore.catalog.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.error.AccountNotFound;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.ScopeNotFound;
import org.stevedore.catalog.testing.StoreTest;

class ScopeStoreTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final AccountStore accounts = new AccountStore(store, clock);
    private final ScopeStore scopes = new ScopeStore(store, clock);

    @BeforeEach
    void someAccounts() {
        accounts.add("jdoe", AccountType.USER, null);
        accounts.add("prod", AccountType.SERVICE, null);
    }

    @Test
    void addedScopeIsOpenOwnedAndReadable() {
        Scope added = scopes.add("user.jdoe", "jdoe");

        assertThat(added).isEqualTo(new Scope("user.jdoe", "jdoe", ScopeStatus.OPEN,
                Instant.parse("2026-03-01T10:00:00Z")));
        assertThat(scopes.get("user.jdoe")).isEqualTo(added);
        assertThat(scopes.exists("user.jdoe")).isTrue();
        long owns = store.read(tx -> tx.run("MATCH (:Account {account: 'jdoe'})-[:OWNS]->(:Scope {scope: 'user.jdoe'}) "
                + "RETURN count(*) AS n").single().get("n").asLong());
        assertThat(owns).isEqualTo(1);
    }

    @Test
    void addingAnExistingScopeIsDuplicateEvenForAnotherAccount() {
        scopes.add("data24", "prod");

        assertThatThrownBy(() -> scopes.add("data24", "jdoe"))
                .isInstanceOf(Duplicate.class).hasMessage("Scope 'data24' already exists");
        assertThat(scopes.get("data24").account()).isEqualTo("prod");
    }

    @Test
    void scopeOfAnUnknownOrDeletedAccountIsAccountNotFound() {
        assertThatThrownBy(() -> scopes.add("user.nobody", "nobody"))
                .isInstanceOf(AccountNotFound.class).hasMessageContaining("'nobody'");
        accounts.delete("jdoe");
        assertThatThrownBy(() -> scopes.add("user.jdoe", "jdoe")).isInstanceOf(AccountNotFound.class);
        assertThat(scopes.list()).isEmpty();
    }

    @Test
    void unknownScopeIsScopeNotFound() {
        assertThatThrownBy(() -> scopes.get("nope")).isInstanceOf(ScopeNotFound.class).hasMessageContaining("'nope'");
        assertThat(scopes.exists("nope")).isFalse();
    }

    @Test
    void invalidScopeNamesAreRefused() {
        assertThatThrownBy(() -> scopes.add("a".repeat(26), "jdoe")).isInstanceOf(InvalidObject.class);
        assertThatThrownBy(() -> scopes.add("user:jdoe", "jdoe")).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("':'");
    }

    @Test
    void listsAllScopesOrByOwner() {
        scopes.add("user.jdoe", "jdoe");
        scopes.add("data24", "prod");
        scopes.add("mc24", "prod");

        assertThat(scopes.list()).extracting(Scope::scope).containsExactly("data24", "mc24", "user.jdoe");
        assertThat(scopes.listByAccount("prod")).extracting(Scope::scope).containsExactly("data24", "mc24");
        assertThat(scopes.listByAccount("jdoe")).extracting(Scope::scope).containsExactly("user.jdoe");
        assertThatThrownBy(() -> scopes.listByAccount("nobody")).isInstanceOf(AccountNotFound.class);
    }
}

package org.stevedore.catalog.account;

import org.stevedore.catalog.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.AccountNotFound;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.InvalidType;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.testing.StoreTest;

class AccountStoreTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00.123456Z");
    private final AccountStore accounts = new AccountStore(store, clock);

    @Test
    void addedAccountReadsBackActiveWithMillisecondTimestamps() {
        Account added = accounts.add("jdoe", AccountType.USER, "jdoe@example.org");

        Account read = accounts.get("jdoe");
        assertThat(read).isEqualTo(added);
        assertThat(read.type()).isEqualTo(AccountType.USER);
        assertThat(read.status()).isEqualTo(AccountStatus.ACTIVE);
        assertThat(read.email()).isEqualTo("jdoe@example.org");
        assertThat(read.createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123Z"));
        assertThat(read.updatedAt()).isEqualTo(read.createdAt());
        assertThat(read.suspendedAt()).isNull();
        assertThat(read.deletedAt()).isNull();
    }

    @Test
    void nodeUsesRucioSnakeCasePropertiesAndEpochMillis() {
        accounts.add("jdoe", AccountType.GROUP, null);

        Map<String, Object> props = store.read(tx -> tx.run("MATCH (a:Account {account: 'jdoe'}) RETURN properties(a) AS p")
                .single().get("p").asMap());
        assertThat(props).containsEntry("account_type", "GROUP").containsEntry("status", "ACTIVE")
                .containsEntry("created_at", Instant.parse("2026-03-01T10:00:00.123Z").toEpochMilli())
                .doesNotContainKey("email");
    }

    @Test
    void addingAnExistingAccountIsDuplicateNamingIt() {
        accounts.add("jdoe", AccountType.USER, null);

        assertThatThrownBy(() -> accounts.add("jdoe", AccountType.SERVICE, null))
                .isInstanceOf(Duplicate.class).hasMessage("Account 'jdoe' already exists");
    }

    @Test
    void unknownAccountIsAccountNotFound() {
        assertThatThrownBy(() -> accounts.get("nobody"))
                .isInstanceOf(AccountNotFound.class).hasMessageContaining("'nobody'");
        assertThat(accounts.find("nobody")).isEmpty();
        assertThat(accounts.exists("nobody")).isFalse();
    }

    @Test
    void invalidNamesTypesAndEmailsAreRefusedBeforeWriting() {
        assertThatThrownBy(() -> accounts.add("JDoe", AccountType.USER, null))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'J'");
        assertThatThrownBy(() -> accounts.add("jdoe", AccountType.USER, "not an email"))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("email");
        assertThatThrownBy(() -> AccountType.parse("ROBOT"))
                .isInstanceOf(InvalidType.class).hasMessageContaining("ROBOT").hasMessageContaining("SERVICE");
        assertThat(AccountType.parse("service")).isEqualTo(AccountType.SERVICE);
        assertThat(accounts.list()).isEmpty();
    }

    @Test
    void listIsSortedFiltersByTypeAndLeavesOutDeletedAccounts() {
        accounts.add("zeta", AccountType.USER, null);
        accounts.add("alpha", AccountType.USER, null);
        accounts.add("prod", AccountType.SERVICE, null);
        accounts.add("gone", AccountType.USER, null);
        accounts.delete("gone");

        assertThat(accounts.list()).extracting(Account::account).containsExactly("alpha", "prod", "zeta");
        assertThat(accounts.list(AccountType.USER)).extracting(Account::account).containsExactly("alpha", "zeta");
        assertThat(accounts.list(AccountType.GROUP)).isEmpty();
    }

    @Test
    void suspendingRecordsTheTimeAndReactivatingClearsIt() {
        accounts.add("jdoe", AccountType.USER, null);
        clock.advance(Duration.ofMinutes(5));

        Account suspended = accounts.update("jdoe", AccountUpdate.status(AccountStatus.SUSPENDED));
        assertThat(suspended.status()).isEqualTo(AccountStatus.SUSPENDED);
        assertThat(suspended.suspendedAt()).isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(suspended.updatedAt()).isAfter(suspended.createdAt());
        assertThat(accounts.get("jdoe")).isEqualTo(suspended);

        Account active = accounts.update("jdoe", AccountUpdate.status(AccountStatus.ACTIVE));
        assertThat(active.status()).isEqualTo(AccountStatus.ACTIVE);
        assertThat(active.suspendedAt()).isNull();
    }

    @Test
    void emailCanBeChangedAndCleared() {
        accounts.add("jdoe", AccountType.USER, "old@example.org");

        assertThat(accounts.update("jdoe", AccountUpdate.email("new@example.org")).email()).isEqualTo("new@example.org");
        assertThat(accounts.update("jdoe", AccountUpdate.email("")).email()).isNull();
        assertThat(accounts.get("jdoe").status()).isEqualTo(AccountStatus.ACTIVE);
    }

    @Test
    void updatingAnUnknownAccountIsAccountNotFound() {
        assertThatThrownBy(() -> accounts.update("nobody", AccountUpdate.email("a@b.c")))
                .isInstanceOf(AccountNotFound.class).hasMessageContaining("'nobody'");
    }

    @Test
    void deletingMarksTheAccountDeletedAndKeepsTheNameTaken() {
        accounts.add("jdoe", AccountType.USER, null);
        clock.advance(Duration.ofHours(1));

        accounts.delete("jdoe");

        Account deleted = accounts.get("jdoe");
        assertThat(deleted.status()).isEqualTo(AccountStatus.DELETED);
        assertThat(deleted.deletedAt()).isNotNull().isAfter(deleted.createdAt());
        assertThat(accounts.exists("jdoe")).isFalse();
        assertThatThrownBy(() -> accounts.add("jdoe", AccountType.USER, null)).isInstanceOf(Duplicate.class);
        assertThatThrownBy(() -> accounts.delete("jdoe"))
                .isInstanceOf(AccountNotFound.class).hasMessage("Account 'jdoe' was deleted");
        assertThatThrownBy(() -> accounts.update("jdoe", AccountUpdate.status(AccountStatus.ACTIVE)))
                .isInstanceOf(AccountNotFound.class);
    }

    @Test
    void attributesAreStoredAsPrefixedPropertiesAndListedWithoutThePrefix() {
        accounts.add("jdoe", AccountType.USER, null);

        accounts.addAttribute("jdoe", "admin", "true");
        accounts.addAttribute("jdoe", "country", "ch");

        assertThat(accounts.attributes("jdoe")).containsExactlyEntriesOf(
                new java.util.TreeMap<>(Map.of("admin", "true", "country", "ch")));
        Map<String, Object> props = store.read(tx -> tx.run("MATCH (a:Account {account: 'jdoe'}) RETURN properties(a) AS p")
                .single().get("p").asMap());
        assertThat(props).containsEntry("attr:admin", "true").containsEntry("attr:country", "ch");
    }

    @Test
    void addingAnAttributeTwiceIsDuplicateAndDeletingAMissingOneIsKeyNotFound() {
        accounts.add("jdoe", AccountType.USER, null);
        accounts.addAttribute("jdoe", "country", "ch");

        assertThatThrownBy(() -> accounts.addAttribute("jdoe", "country", "fr"))
                .isInstanceOf(Duplicate.class).hasMessageContaining("'country'").hasMessageContaining("'jdoe'");
        accounts.deleteAttribute("jdoe", "country");
        assertThat(accounts.attributes("jdoe")).isEmpty();
        assertThatThrownBy(() -> accounts.deleteAttribute("jdoe", "country"))
                .isInstanceOf(KeyNotFound.class).hasMessageContaining("'country'");
        assertThatThrownBy(() -> accounts.addAttribute("nobody", "country", "ch")).isInstanceOf(AccountNotFound.class);
        assertThatThrownBy(() -> accounts.addAttribute("jdoe", "bad key", "x")).isInstanceOf(InvalidObject.class);
    }

    @Test
    void isAdminFollowsTheAdminAttributeOfActiveAccounts() {
        accounts.add("root", AccountType.SERVICE, null, Map.of("admin", "true"));
        accounts.add("jdoe", AccountType.USER, null);
        accounts.add("ops", AccountType.USER, null, Map.of("admin", "True"));
        accounts.add("guest", AccountType.USER, null, Map.of("admin", "false"));

        assertThat(accounts.isAdmin("root")).isTrue();
        assertThat(accounts.isAdmin("ops")).isTrue();
        assertThat(accounts.isAdmin("jdoe")).isFalse();
        assertThat(accounts.isAdmin("guest")).isFalse();
        assertThat(accounts.isAdmin("nobody")).isFalse();

        accounts.update("ops", AccountUpdate.status(AccountStatus.SUSPENDED));
        assertThat(accounts.isAdmin("ops")).isFalse();
    }
}

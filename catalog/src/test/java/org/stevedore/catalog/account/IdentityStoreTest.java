package org.stevedore.catalog.account;

import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.error.IdentityNotFound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.AccountNotFound;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.testing.StoreTest;

class IdentityStoreTest extends StoreTest {

    private static final String DN = "/DC=ch/DC=cern/OU=Users/CN=jdoe";

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final AccountStore accounts = new AccountStore(store, clock);
    private final IdentityStore identities = new IdentityStore(store, clock);

    @BeforeEach
    void someAccounts() {
        accounts.add("jdoe", AccountType.USER, null);
        accounts.add("prod", AccountType.SERVICE, null);
    }

    @Test
    void identityAddedToAnAccountIsListedWithIt() {
        Identity added = identities.add(new Identity(DN, IdentityType.X509, "jdoe", "jdoe@example.org", null, true));

        assertThat(added).isEqualTo(new Identity(DN, IdentityType.X509, "jdoe", "jdoe@example.org", null, true));
        assertThat(identities.listForAccount("jdoe")).containsExactly(added);
        assertThat(identities.listForAccount("prod")).isEmpty();
        String key = store.read(tx -> tx.run("MATCH (i:Identity)-[:MAPS_TO]->(:Account {account: 'jdoe'}) RETURN i.key AS k")
                .single().get("k").asString());
        assertThat(key).isEqualTo("X509|" + DN);
    }

    @Test
    void oneIdentityMayMapToSeveralAccounts() {
        identities.add(new Identity(DN, IdentityType.X509, "jdoe", null, null, false));
        identities.add(new Identity(DN, IdentityType.X509, "prod", null, null, true));

        assertThat(identities.accounts(DN, IdentityType.X509)).containsExactly("prod", "jdoe"); // default first
        assertThat(identities.mappings(DN, IdentityType.X509)).extracting(Identity::isDefault).containsExactly(true, false);
        assertThat(identities.accounts(DN, IdentityType.SSH)).isEmpty();
        long nodes = store.read(tx -> tx.run("MATCH (i:Identity) RETURN count(i) AS n").single().get("n").asLong());
        assertThat(nodes).isEqualTo(1);
    }

    @Test
    void aNewDefaultReplacesTheOldOne() {
        identities.add(new Identity(DN, IdentityType.X509, "jdoe", null, null, true));
        identities.add(new Identity(DN, IdentityType.X509, "prod", null, null, true));

        assertThat(identities.mappings(DN, IdentityType.X509)).filteredOn(Identity::isDefault)
                .extracting(Identity::account).containsExactly("prod");

        identities.setDefault(DN, IdentityType.X509, "jdoe");
        assertThat(identities.mappings(DN, IdentityType.X509)).filteredOn(Identity::isDefault)
                .extracting(Identity::account).containsExactly("jdoe");
        assertThatThrownBy(() -> identities.setDefault(DN, IdentityType.X509, "nobody"))
                .isInstanceOf(IdentityNotFound.class);
    }

    @Test
    void mappingTwiceIsDuplicate() {
        identities.add(new Identity("jdoe", IdentityType.USERPASS, "jdoe", null, "hash-1", false));

        assertThatThrownBy(() -> identities.add(new Identity("jdoe", IdentityType.USERPASS, "jdoe", null, "hash-1", false)))
                .isInstanceOf(Duplicate.class).hasMessageContaining("'USERPASS|jdoe'").hasMessageContaining("'jdoe'");
    }

    @Test
    void mappingToAnUnknownOrDeletedAccountIsAccountNotFoundAndWritesNothing() {
        assertThatThrownBy(() -> identities.add(new Identity(DN, IdentityType.X509, "nobody", null, null, false)))
                .isInstanceOf(AccountNotFound.class).hasMessageContaining("'nobody'");
        accounts.delete("prod");
        assertThatThrownBy(() -> identities.add(new Identity(DN, IdentityType.X509, "prod", null, null, false)))
                .isInstanceOf(AccountNotFound.class);
        assertThatThrownBy(() -> identities.listForAccount("nobody")).isInstanceOf(AccountNotFound.class);
        long nodes = store.read(tx -> tx.run("MATCH (i:Identity) RETURN count(i) AS n").single().get("n").asLong());
        assertThat(nodes).isZero();
    }

    @Test
    void anExistingIdentityKeepsItsPasswordWhenMappedAgain() {
        identities.add(new Identity("jdoe", IdentityType.USERPASS, "jdoe", null, "hash-1", false));
        identities.add(new Identity("jdoe", IdentityType.USERPASS, "prod", null, "hash-2", false));

        assertThat(identities.mappings("jdoe", IdentityType.USERPASS)).extracting(Identity::passwordHash)
                .containsOnly("hash-1");
    }

    @Test
    void onlyUserpassIdentitiesCarryPasswordsAndIdentitiesMustBeClean() {
        assertThatThrownBy(() -> identities.add(new Identity(DN, IdentityType.X509, "jdoe", null, "hash", false)))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("USERPASS");
        assertThatThrownBy(() -> identities.add(new Identity(" ", IdentityType.SSH, "jdoe", null, null, false)))
                .isInstanceOf(InvalidObject.class);
        assertThatThrownBy(() -> identities.add(new Identity("a\nb", IdentityType.GSS, "jdoe", null, null, false)))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("a?b");
    }

    @Test
    void deletingAMappingKeepsTheIdentityUntilItsLastMappingGoes() {
        identities.add(new Identity("jdoe", IdentityType.USERPASS, "jdoe", null, "hash-1", false));
        identities.add(new Identity("jdoe", IdentityType.USERPASS, "prod", null, null, false));

        identities.delete("jdoe", IdentityType.USERPASS, "prod");
        assertThat(identities.accounts("jdoe", IdentityType.USERPASS)).containsExactly("jdoe");

        identities.delete("jdoe", IdentityType.USERPASS, "jdoe");
        assertThat(identities.mappings("jdoe", IdentityType.USERPASS)).isEmpty();
        long nodes = store.read(tx -> tx.run("MATCH (i:Identity) RETURN count(i) AS n").single().get("n").asLong());
        assertThat(nodes).isZero();

        assertThatThrownBy(() -> identities.delete("jdoe", IdentityType.USERPASS, "jdoe"))
                .isInstanceOf(IdentityNotFound.class).hasMessageContaining("'USERPASS|jdoe'");
    }

    @Test
    void printingAMappingDoesNotShowThePasswordHash() {
        Identity mapping = new Identity("jdoe", IdentityType.USERPASS, "jdoe", null, "$argon2id$secret", true);

        assertThat(mapping.toString()).doesNotContain("argon2id").contains("USERPASS|jdoe");
        assertThat(mapping.withoutSecret().passwordHash()).isNull();
    }
}

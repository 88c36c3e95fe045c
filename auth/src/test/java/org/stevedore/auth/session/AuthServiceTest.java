package org.stevedore.auth.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.auth.password.PasswordHasher;
import org.stevedore.catalog.account.AccountStatus;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.account.AccountUpdate;
import org.stevedore.catalog.account.Identity;
import org.stevedore.catalog.account.IdentityStore;
import org.stevedore.catalog.account.IdentityType;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.account.TokenRoles;
import org.stevedore.catalog.account.TokenStore;
import org.stevedore.catalog.error.CannotAuthenticate;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.testing.StoreTest;

class AuthServiceTest extends StoreTest {

    private static final PasswordHasher HASHER = new PasswordHasher(); // stateless; built once to save a decoy hash

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final AccountStore accounts = new AccountStore(store, clock);
    private final IdentityStore identities = new IdentityStore(store, clock);
    private final TokenStore tokens = new TokenStore(store, clock);
    private final AuthService auth = service(AuthSettings.defaults());

    private AuthService service(AuthSettings settings) {
        return new AuthService(accounts, identities, tokens, HASHER, clock, settings, new SecureRandom());
    }

    @BeforeEach
    void jdoeWithAPassword() {
        accounts.add("jdoe", AccountType.USER, null);
        auth.addUserpassIdentity("jdoe", "jdoe", "s3cret-pass", "jdoe@example.org");
    }

    @Test
    void userpassIssuesAnHourLongTokenForTheRequestedAccount() {
        IssuedToken issued = auth.userpass("jdoe", "s3cret-pass", "jdoe");

        assertThat(issued.account()).isEqualTo("jdoe");
        assertThat(issued.identity()).isEqualTo("jdoe");
        assertThat(issued.expiresAt()).isEqualTo(Instant.parse("2026-03-01T11:00:00Z"));
        assertThat(issued.token()).startsWith("jdoe-").hasSize("jdoe-".length() + 43).matches("[A-Za-z0-9_-]+");
        assertThat(issued.toString()).doesNotContain(issued.token());
        assertThat(auth.validate(issued.token())).isEqualTo(new Session("jdoe", "jdoe", issued.expiresAt()));
        assertThat(auth.userpass("jdoe", "s3cret-pass", "jdoe").token()).isNotEqualTo(issued.token());
    }

    @Test
    void withoutARequestedAccountTheOnlyMappingIsUsed() {
        assertThat(auth.userpass("jdoe", "s3cret-pass", null).account()).isEqualTo("jdoe");
        assertThat(auth.userpass("jdoe", "s3cret-pass", "").account()).isEqualTo("jdoe");
    }

    @Test
    void withSeveralAccountsTheDefaultIsUsedAndWithoutOneNothingIs() {
        accounts.add("prod", AccountType.SERVICE, null);
        auth.addUserpassIdentity("prod", "jdoe", "s3cret-pass", null);

        assertThatThrownBy(() -> auth.userpass("jdoe", "s3cret-pass", null))
                .isInstanceOf(CannotAuthenticate.class).hasMessage("Cannot authenticate with given credentials");
        assertThat(auth.userpass("jdoe", "s3cret-pass", "prod").account()).isEqualTo("prod");

        identities.setDefault("jdoe", IdentityType.USERPASS, "prod");
        assertThat(auth.userpass("jdoe", "s3cret-pass", null).account()).isEqualTo("prod");
        assertThat(auth.userpass("jdoe", "s3cret-pass", "jdoe").account()).isEqualTo("jdoe");
    }

    @Test
    void everyKindOfBadCredentialGetsTheSameAnswer() {
        accounts.add("other", AccountType.USER, null);
        accounts.add("idle", AccountType.USER, null);
        auth.addUserpassIdentity("idle", "jdoe", "s3cret-pass", null);
        accounts.update("idle", AccountUpdate.status(AccountStatus.SUSPENDED));

        for (String[] attempt : List.of(
                new String[] {"jdoe", "wrong-pass", "jdoe"},     // wrong password
                new String[] {"nobody", "s3cret-pass", "jdoe"},  // unknown user
                new String[] {"jdoe", "", "jdoe"},               // no password
                new String[] {"jdoe", "s3cret-pass", "other"},   // account not mapped to the identity
                new String[] {"jdoe", "s3cret-pass", "nope"},    // account does not exist
                new String[] {"jdoe", "s3cret-pass", "idle"})) { // account suspended
            String account = attempt[2];
            assertThatThrownBy(() -> auth.userpass(attempt[0], attempt[1], account))
                    .as(String.join("/", attempt))
                    .isInstanceOf(CannotAuthenticate.class)
                    .hasMessage("Cannot authenticate to account " + account + " with given credentials");
        }
        assertThat(count("MATCH (t:Token) RETURN count(t) AS n")).isZero();
    }

    @Test
    void aDeletedAccountCannotLogIn() {
        accounts.delete("jdoe");

        assertThatThrownBy(() -> auth.userpass("jdoe", "s3cret-pass", "jdoe")).isInstanceOf(CannotAuthenticate.class);
    }

    @Test
    void aTokenIsValidUntilItExpiresEvenWhenCached() {
        IssuedToken issued = auth.userpass("jdoe", "s3cret-pass", "jdoe");
        auth.validate(issued.token());

        clock.advance(Duration.ofMinutes(59).plusSeconds(59));
        assertThat(auth.validate(issued.token()).account()).isEqualTo("jdoe");
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> auth.validate(issued.token()))
                .isInstanceOf(CannotAuthenticate.class).hasMessageContaining("token");
    }

    @Test
    void aTokenRemovedByAnotherInstanceStopsWorkingAtOnce() {
        IssuedToken issued = auth.userpass("jdoe", "s3cret-pass", "jdoe");
        auth.validate(issued.token());
        store.run("MATCH (t:Token) DELETE t", Map.of()); // another instance's logout, behind this one's back

        assertThatThrownBy(() -> auth.validate(issued.token())).isInstanceOf(CannotAuthenticate.class);
    }

    @Test
    void theSessionNeverOutlivesTheToken() {
        AuthService shortLived = service(new AuthSettings(Duration.ofSeconds(10)));
        IssuedToken issued = shortLived.userpass("jdoe", "s3cret-pass", "jdoe");
        shortLived.validate(issued.token());

        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> shortLived.validate(issued.token())).isInstanceOf(CannotAuthenticate.class);
    }

    @Test
    void suspendingAnAccountEndsItsSessionsAtOnceOnEveryInstance() {
        AuthService other = service(AuthSettings.defaults()); // a second instance on the same store
        IssuedToken issued = auth.userpass("jdoe", "s3cret-pass", "jdoe");
        auth.validate(issued.token());
        other.validate(issued.token());

        accounts.update("jdoe", AccountUpdate.status(AccountStatus.SUSPENDED));

        assertThatThrownBy(() -> auth.validate(issued.token())).isInstanceOf(CannotAuthenticate.class);
        assertThatThrownBy(() -> other.validate(issued.token())).isInstanceOf(CannotAuthenticate.class);
    }

    @Test
    void deletingAnAccountEndsItsSessionsAtOnce() {
        IssuedToken issued = auth.userpass("jdoe", "s3cret-pass", "jdoe");
        auth.validate(issued.token());

        accounts.delete("jdoe");

        assertThatThrownBy(() -> auth.validate(issued.token())).isInstanceOf(CannotAuthenticate.class);
    }

    @Test
    void removingTheIdentityASessionWasOpenedWithEndsItAndOnlyIt() {
        identities.add(new Identity("/CN=Jane", IdentityType.X509, "jdoe", null, null, false));
        IssuedToken byPassword = auth.userpass("jdoe", "s3cret-pass", "jdoe");
        IssuedToken byCertificate = auth.x509(List.of("/CN=Jane", "CN=Jane"), "jdoe");
        auth.validate(byCertificate.token());

        identities.delete("/CN=Jane", IdentityType.X509, "jdoe");

        assertThatThrownBy(() -> auth.validate(byCertificate.token())).isInstanceOf(CannotAuthenticate.class);
        assertThat(auth.validate(byPassword.token()).account()).isEqualTo("jdoe");
    }

    @Test
    void vomsRolesGoWithAnX509TokenUntilTheyExpireAndNeverWithAPassword() {
        identities.add(new Identity("/CN=Jane", IdentityType.X509, "jdoe", null, null, false));
        Instant until = clock.instant().plus(Duration.ofMinutes(20));
        TokenRoles roles = new TokenRoles(Set.of("bmn"), List.of("/bmn", "/bmn/Role=production"), until);

        IssuedToken withRoles = auth.x509(List.of("/CN=Jane", "CN=Jane"), "jdoe", roles);
        IssuedToken byPassword = auth.userpass("jdoe", "s3cret-pass", "jdoe");

        Session session = auth.validate(withRoles.token());
        assertThat(session.vos()).containsExactly("bmn");
        assertThat(session.fqans()).containsExactly("/bmn", "/bmn/Role=production");
        assertThat(auth.validate(byPassword.token()).fqans()).isEmpty();

        clock.set(until.minusMillis(1));
        assertThat(auth.validate(withRoles.token()).fqans()).contains("/bmn/Role=production");
        clock.set(until);
        Session after = auth.validate(withRoles.token());
        assertThat(after.account()).as("still a session, without roles").isEqualTo("jdoe");
        assertThat(after.vos()).isEmpty();
        assertThat(after.fqans()).isEmpty();
    }

    @Test
    void unknownOrMissingTokensAreRefused() {
        assertThatThrownBy(() -> auth.validate("jdoe-forged")).isInstanceOf(CannotAuthenticate.class);
        assertThatThrownBy(() -> auth.validate("")).isInstanceOf(CannotAuthenticate.class);
        assertThatThrownBy(() -> auth.validate(null)).isInstanceOf(CannotAuthenticate.class);
    }

    @Test
    void revokedTokensStopWorkingAtOnce() {
        IssuedToken issued = auth.userpass("jdoe", "s3cret-pass", "jdoe");
        auth.validate(issued.token());

        assertThat(auth.revoke(issued.token())).isTrue();
        assertThatThrownBy(() -> auth.validate(issued.token())).isInstanceOf(CannotAuthenticate.class);
        assertThat(auth.revoke(issued.token())).isFalse();
    }

    @Test
    void theStoreHoldsOnlyTheTokensHashNeverTheToken() {
        IssuedToken issued = auth.userpass("jdoe", "s3cret-pass", "jdoe");
        String secretPart = issued.token().substring("jdoe-".length());

        long leaks = count("MATCH (n) UNWIND keys(n) AS k WITH n[k] AS v WHERE toString(v) CONTAINS $secret "
                + "RETURN count(*) AS n", Map.of("secret", secretPart));
        assertThat(leaks).isZero();
        assertThat(count("MATCH (t:Token {hash: $hash}) RETURN count(t) AS n",
                Map.of("hash", org.stevedore.catalog.account.TokenHash.of(issued.token()).hex()))).isEqualTo(1);
    }

    @Test
    void passwordsAreStoredAsArgon2idHashes() {
        Identity mapping = identities.mappings("jdoe", IdentityType.USERPASS).get(0);

        assertThat(mapping.passwordHash()).startsWith("$argon2id$").doesNotContain("s3cret-pass");
        assertThat(count("MATCH (n) UNWIND keys(n) AS k WITH n[k] AS v WHERE toString(v) CONTAINS 's3cret' "
                + "RETURN count(*) AS n")).isZero();
    }

    @Test
    void anExistingUserNameIsMappedFurtherOnlyWithItsPassword() {
        accounts.add("prod", AccountType.SERVICE, null);

        assertThatThrownBy(() -> auth.addUserpassIdentity("prod", "jdoe", "another-pass", null))
                .isInstanceOf(Duplicate.class).hasMessageContaining("USERPASS|jdoe");
        Identity added = auth.addUserpassIdentity("prod", "jdoe", "s3cret-pass", null);

        assertThat(added.passwordHash()).isNull();
        assertThat(identities.accounts("jdoe", IdentityType.USERPASS)).containsExactlyInAnyOrder("jdoe", "prod");
    }

    private long count(String cypher) {
        return count(cypher, Map.of());
    }

    private long count(String cypher, Map<String, Object> params) {
        return store.read(tx -> tx.run(cypher, params).single().get("n").asLong());
    }

    @Test
    void x509FindsTheDnInEitherSpellingAndHonoursTheRequestedAccount() {
        accounts.add("prod", AccountType.SERVICE, null);
        identities.add(new Identity("/DC=org/DC=example/CN=Jane", IdentityType.X509, "jdoe", null, null, true));
        identities.add(new Identity("/DC=org/DC=example/CN=Jane", IdentityType.X509, "prod", null, null, false));
        List<String> forms = List.of("/DC=org/DC=example/CN=Jane", "CN=Jane,DC=example,DC=org");

        IssuedToken issued = auth.x509(forms, null);
        assertThat(issued.account()).isEqualTo("jdoe");
        assertThat(issued.identity()).isEqualTo("/DC=org/DC=example/CN=Jane");
        assertThat(auth.x509(forms, "prod").account()).isEqualTo("prod");

        identities.add(new Identity("CN=Rfc,DC=example,DC=org", IdentityType.X509, "jdoe", null, null, false));
        assertThat(auth.x509(List.of("/DC=org/DC=example/CN=Rfc", "CN=Rfc,DC=example,DC=org"), null).identity())
                .isEqualTo("CN=Rfc,DC=example,DC=org");
    }

    @Test
    void x509RefusesUnmappedDnsAndAccountsNotMappedToTheDn() {
        identities.add(new Identity("/CN=Jane", IdentityType.X509, "jdoe", null, null, false));
        assertThatThrownBy(() -> auth.x509(List.of("/CN=Nobody", "CN=Nobody"), null))
                .isInstanceOf(CannotAuthenticate.class);
        assertThatThrownBy(() -> auth.x509(List.of("/CN=Jane", "CN=Jane"), "root"))
                .isInstanceOf(CannotAuthenticate.class);
    }
}

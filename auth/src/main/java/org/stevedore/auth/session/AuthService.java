package org.stevedore.auth.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.auth.password.PasswordHasher;
import org.stevedore.catalog.account.Account;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.Identity;
import org.stevedore.catalog.account.IdentityStore;
import org.stevedore.catalog.account.IdentityType;
import org.stevedore.catalog.account.Token;
import org.stevedore.catalog.account.TokenHash;
import org.stevedore.catalog.account.TokenRoles;
import org.stevedore.catalog.account.TokenStore;
import org.stevedore.catalog.error.CannotAuthenticate;
import org.stevedore.catalog.error.Duplicate;

/**
 * Logs identities in to accounts and answers who a token speaks for.
 *
 * <p>Tokens are {@code <account>-<43 chars of URL-safe base64>} (256 random bits); only their SHA-256 is stored.
 * Every validation asks the store (one indexed read, about as much as the admin check of every write), and nothing
 * is cached: suspending or deleting an account, removing the identity a session was opened with, or logging out
 * takes effect on the next request, whichever instance sharing the store made the change. Refusals never say which
 * part of the credentials was wrong; the log line for operators does, and never holds a password or token.
 */
public final class AuthService {

    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    private static final int TOKEN_BYTES = 32;

    private final AccountStore accounts;
    private final IdentityStore identities;
    private final TokenStore tokens;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final AuthSettings settings;
    private final SecureRandom random;

    public AuthService(AccountStore accounts, IdentityStore identities, TokenStore tokens, PasswordHasher hasher,
                       Clock clock, AuthSettings settings, SecureRandom random) {
        this.accounts = accounts;
        this.identities = identities;
        this.tokens = tokens;
        this.hasher = hasher;
        this.clock = clock;
        this.settings = settings;
        this.random = random;
    }

    public AuthService(AccountStore accounts, IdentityStore identities, TokenStore tokens, PasswordHasher hasher,
                       Clock clock) {
        this(accounts, identities, tokens, hasher, clock, AuthSettings.defaults(), new SecureRandom());
    }

    /**
     * Rucio's {@code GET /auth/userpass}: the USERPASS identity must exist and the password match; the account is
     * {@code requestedAccount}, or when that is null or empty the identity's default account (or its only one); it
     * must be mapped to the identity and ACTIVE.
     *
     * @throws CannotAuthenticate whatever was wrong
     */
    public IssuedToken userpass(String username, String password, String requestedAccount) {
        boolean accountGiven = requestedAccount != null && !requestedAccount.isEmpty();
        List<Identity> mappings = identities.mappings(username, IdentityType.USERPASS);
        String hash = mappings.isEmpty() ? null : mappings.get(0).passwordHash();
        // Verify even for an unknown user (against a decoy) so timing does not tell which user names exist.
        if (!hasher.verify(password, hash)) {
            throw refuse(username, requestedAccount, mappings.isEmpty() ? "unknown identity" : "wrong password");
        }
        Optional<Identity> chosen = accountGiven
                ? mappings.stream().filter(m -> m.account().equals(requestedAccount)).findFirst()
                : defaultMapping(mappings);
        if (chosen.isEmpty()) {
            throw refuse(username, requestedAccount, accountGiven ? "account not mapped to the identity"
                    : "no account requested and no default account");
        }
        String account = chosen.get().account();
        if (accounts.find(account).filter(Account::isActive).isEmpty()) {
            throw refuse(username, requestedAccount, "account '" + account + "' is not active");
        }
        return issue(account, IdentityType.USERPASS, username, TokenRoles.none());
    }

    /**
     * Rucio's {@code GET /auth/x509}: the client's chain has been validated already; {@code dnForms} are the spellings
     * of its end-entity DN (slash form first, then RFC 2253), tried in order against the X509 identities. The account
     * is chosen as for userpass.
     *
     * @throws CannotAuthenticate when no form is mapped, or the account is not mapped to it or not active
     */
    public IssuedToken x509(List<String> dnForms, String requestedAccount) {
        return x509(dnForms, requestedAccount, TokenRoles.none());
    }

    /**
     * As {@link #x509(List, String)}, the session carrying the VOMS {@code roles} of the presented proxy until
     * they expire: later requests with the token alone keep them.
     */
    public IssuedToken x509(List<String> dnForms, String requestedAccount, TokenRoles roles) {
        boolean accountGiven = requestedAccount != null && !requestedAccount.isEmpty();
        String dn = dnForms.get(0);
        List<Identity> mappings = List.of();
        for (String form : dnForms) {
            mappings = identities.mappings(form, IdentityType.X509);
            if (!mappings.isEmpty()) {
                dn = form;
                break;
            }
        }
        if (mappings.isEmpty()) {
            throw refuse("x509", dn, requestedAccount, "no account is mapped to the DN");
        }
        Optional<Identity> chosen = accountGiven
                ? mappings.stream().filter(m -> m.account().equals(requestedAccount)).findFirst()
                : defaultMapping(mappings);
        if (chosen.isEmpty()) {
            throw refuse("x509", dn, requestedAccount, accountGiven ? "account not mapped to the identity"
                    : "no account requested and no default account");
        }
        String account = chosen.get().account();
        if (accounts.find(account).filter(Account::isActive).isEmpty()) {
            throw refuse("x509", dn, requestedAccount, "account '" + account + "' is not active");
        }
        return issue(account, IdentityType.X509, dn, roles);
    }

    /**
     * The session a token stands for, with its roles while they are valid.
     *
     * @throws CannotAuthenticate when the token is unknown or expired, its account is no longer ACTIVE, or the
     *                            identity that opened it is no longer mapped to the account
     */
    public Session validate(String token) {
        if (token == null || token.isEmpty()) {
            throw new CannotAuthenticate("Cannot authenticate: no token given");
        }
        Token stored = tokens.findValid(TokenHash.of(token)).orElseThrow(() -> new CannotAuthenticate(
                "Cannot authenticate: the token is unknown or has expired, or its account is not active"));
        TokenRoles roles = stored.roles().at(clock.instant());
        return new Session(stored.account(), stored.identity(), stored.expiresAt(), roles.vos(), roles.fqans());
    }

    /** Ends a session at once (logout); false when the token was not known. */
    public boolean revoke(String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        return tokens.delete(TokenHash.of(token));
    }

    /**
     * Maps a USERPASS identity to an account, creating it with an Argon2id hash of {@code password} when new. An
     * existing user name may be mapped to a further account only with its current password: mapping must not
     * silently take over someone else's login or leave the caller believing a new password was set.
     *
     * @return the mapping, without the password hash
     */
    public Identity addUserpassIdentity(String account, String username, String password, String email) {
        List<Identity> existing = identities.mappings(username, IdentityType.USERPASS);
        String hash;
        if (existing.isEmpty()) {
            hash = hasher.hash(password);
        } else {
            hash = existing.get(0).passwordHash();
            if (!hasher.verify(password, hash)) {
                throw new Duplicate("Identity 'USERPASS|" + clean(username)
                        + "' already exists with another password");
            }
        }
        Identity added = identities.add(new Identity(username, IdentityType.USERPASS, account, email, hash, false));
        log.info("Mapped identity 'USERPASS|{}' to account '{}'", clean(username), account);
        return added.withoutSecret();
    }

    private IssuedToken issue(String account, IdentityType type, String identity, TokenRoles roles) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = account + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        // Stored in milliseconds, so round here too: the client is told exactly what the store will enforce.
        Instant expiresAt = clock.instant().plus(settings.tokenLifetime()).truncatedTo(ChronoUnit.MILLIS);
        tokens.create(TokenHash.of(token), account, type, identity, expiresAt, roles);
        log.info("Issued a token for account '{}' to identity '{}' ({}), valid until {}{}", account, clean(identity),
                type, expiresAt, roles.isEmpty() ? "" : ", with FQANs " + clean(String.join(" ", roles.fqans()))
                        + " until " + roles.until());
        return new IssuedToken(token, account, identity, expiresAt);
    }

    private static Optional<Identity> defaultMapping(List<Identity> mappings) {
        Optional<Identity> marked = mappings.stream().filter(Identity::isDefault).findFirst();
        return marked.isPresent() || mappings.size() != 1 ? marked : Optional.of(mappings.get(0));
    }

    private static CannotAuthenticate refuse(String username, String account, String reason) {
        return refuse("userpass", username, account, reason);
    }

    private static CannotAuthenticate refuse(String how, String username, String account, String reason) {
        boolean accountGiven = account != null && !account.isEmpty();
        log.info("Refused {} login of identity '{}' to account '{}': {}", how, clean(username),
                accountGiven ? clean(account) : "(default)", reason);
        return new CannotAuthenticate(accountGiven
                ? "Cannot authenticate to account " + clean(account) + " with given credentials"
                : "Cannot authenticate with given credentials");
    }

    /** Client-supplied text goes into logs and response headers: no line breaks, bounded length. */
    private static String clean(String value) {
        if (value == null) {
            return "";
        }
        String flat = value.replaceAll("\\p{Cntrl}", "?");
        return flat.length() <= 256 ? flat : flat.substring(0, 253) + "...";
    }
}

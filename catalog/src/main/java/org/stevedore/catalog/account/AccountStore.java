package org.stevedore.catalog.account;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.types.Node;
import org.stevedore.catalog.error.AccountNotFound;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.naming.Names;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * Accounts and their key/value attributes.
 *
 * <p>Node: {@code (:Account {account, account_type, status, email, created_at, updated_at, suspended_at,
 * deleted_at, `attr:<key>`: '<value>'})}, timestamps in epoch milliseconds. Attributes live on the node itself
 * because there are few of them and they are read with the account (admin checks on the hot path).
 *
 * <p>Deleting an account sets its status to DELETED, as Rucio does: the name stays taken, {@link #get} still
 * returns it, but it is left out of {@link #list}, cannot be changed any more and cannot log in.
 */
public final class AccountStore {

    /** Prefix of the node properties that hold attributes. */
    public static final String ATTRIBUTE_PREFIX = "attr:";
    public static final String ADMIN_ATTRIBUTE = "admin";
    static final int MAX_ATTRIBUTE_VALUE = 255;

    private final Store store;
    private final Clock clock;

    public AccountStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Account add(String account, AccountType type, String email) {
        return add(account, type, email, Map.of());
    }

    /** Adds an account with its first attributes in one transaction (so a root account is never half-made). */
    public Account add(String account, AccountType type, String email, Map<String, String> attributes) {
        Names.account(account);
        if (type == null) {
            throw new InvalidValueForKey("Invalid account '" + account + "': the account type is missing");
        }
        String checkedEmail = Emails.check(email);
        Map<String, Object> props = new HashMap<>();
        attributes.forEach((key, value) -> props.put(attributeProperty(key), attributeValue(key, value)));
        long now = clock.millis();
        props.put("account", account);
        props.put("account_type", type.name());
        props.put("status", AccountStatus.ACTIVE.name());
        props.put("email", checkedEmail);
        props.put("created_at", now);
        props.put("updated_at", now);
        try {
            return store.write(tx -> toAccount(tx.run("CREATE (a:Account) SET a = $props RETURN a",
                    Map.of("props", props)).single()));
        } catch (ClientException e) {
            if (Constraints.isUniquenessViolation(e)) {
                throw new Duplicate("Account '" + account + "' already exists");
            }
            throw e;
        }
    }

    /** The account whatever its status (a DELETED account is still reported, with its status). */
    public Account get(String account) {
        return find(account).orElseThrow(() -> notFound(account));
    }

    public Optional<Account> find(String account) {
        if (account == null || account.isEmpty()) {
            return Optional.empty();
        }
        return store.read(tx -> tx.run("MATCH (a:Account {account: $account}) RETURN a", Map.of("account", account))
                .list(AccountStore::toAccount)).stream().findFirst();
    }

    /** True when the account exists and is not DELETED. */
    public boolean exists(String account) {
        return find(account).filter(a -> a.status() != AccountStatus.DELETED).isPresent();
    }

    /** Accounts that are not DELETED, by name; only those of {@code type} when it is not null. */
    public List<Account> list(AccountType type) {
        Map<String, Object> params = new HashMap<>();
        params.put("type", type == null ? null : type.name());
        return store.read(tx -> tx.run("""
                MATCH (a:Account) WHERE a.status <> 'DELETED' AND ($type IS NULL OR a.account_type = $type)
                RETURN a ORDER BY a.account""", params).list(AccountStore::toAccount));
    }

    public List<Account> list() {
        return list(null);
    }

    /**
     * Changes status and/or email. Suspending records {@code suspended_at}, reactivating clears it, DELETED is
     * the same as {@link #delete}.
     */
    public Account update(String account, AccountUpdate update) {
        String email = update.email() == null ? null : Emails.check(update.email());
        return store.write(tx -> {
            Account current = requireNotDeleted(tx, account);
            long now = clock.millis();
            Map<String, Object> set = new HashMap<>();
            set.put("updated_at", now);
            if (update.email() != null) {
                set.put("email", email);
            }
            AccountStatus status = update.status();
            if (status != null && status != current.status()) {
                set.put("status", status.name());
                switch (status) {
                    case SUSPENDED -> set.put("suspended_at", now);
                    case ACTIVE -> set.put("suspended_at", null);
                    case DELETED -> set.put("deleted_at", now);
                }
            }
            return toAccount(tx.run("MATCH (a:Account {account: $account}) SET a += $set RETURN a",
                    Map.of("account", account, "set", set)).single());
        });
    }

    /** Marks the account DELETED; its scopes, identities and attributes stay for the record. */
    public void delete(String account) {
        update(account, AccountUpdate.status(AccountStatus.DELETED));
    }

    /** Adds one attribute; an attribute already set is refused, as in Rucio (delete it first to change it). */
    public void addAttribute(String account, String key, String value) {
        String property = attributeProperty(key);
        String checked = attributeValue(key, value);
        store.write(tx -> {
            requireNotDeleted(tx, account);
            Map<String, Object> params = Map.of("account", account, "property", property, "value", checked);
            boolean isSet = tx.run("MATCH (a:Account {account: $account}) RETURN a[$property] IS NOT NULL AS isSet",
                    params).single().get("isSet").asBoolean();
            if (isSet) {
                throw new Duplicate("Attribute '" + key + "' of account '" + account + "' already exists");
            }
            tx.run("MATCH (a:Account {account: $account}) SET a += $props, a.updated_at = $now",
                    Map.of("account", account, "props", Map.of(property, checked), "now", clock.millis())).consume();
            return null;
        });
    }

    /** The account's attributes by key (without the storage prefix). */
    public Map<String, String> attributes(String account) {
        Map<String, Object> props = store.read(tx -> tx.run(
                "MATCH (a:Account {account: $account}) RETURN properties(a) AS p", Map.of("account", account))
                .list(r -> r.get("p").asMap())).stream().findFirst().orElseThrow(() -> notFound(account));
        Map<String, String> attributes = new TreeMap<>();
        props.forEach((property, value) -> {
            if (property.startsWith(ATTRIBUTE_PREFIX)) {
                attributes.put(property.substring(ATTRIBUTE_PREFIX.length()), String.valueOf(value));
            }
        });
        return attributes;
    }

    public void deleteAttribute(String account, String key) {
        String property = attributeProperty(key);
        store.write(tx -> {
            requireNotDeleted(tx, account);
            Map<String, Object> remove = new HashMap<>();
            remove.put(property, null); // += with a null value removes the property
            boolean wasSet = tx.run("""
                    MATCH (a:Account {account: $account})
                    WITH a, a[$property] IS NOT NULL AS wasSet
                    SET a += $remove
                    RETURN wasSet""", Map.of("account", account, "property", property, "remove", remove))
                    .single().get("wasSet").asBoolean();
            if (!wasSet) {
                // Thrown inside the transaction, so the (harmless) write is rolled back too.
                throw new KeyNotFound("Account '" + account + "' has no attribute '" + key + "'");
            }
            return null;
        });
    }

    /** True when the account has the attribute {@code admin} set to true (Rucio's root has it). */
    public boolean isAdmin(String account) {
        if (account == null || account.isEmpty()) {
            return false;
        }
        return store.read(tx -> tx.run("""
                MATCH (a:Account {account: $account}) WHERE a.status = 'ACTIVE'
                RETURN toLower(toString(a[$property])) = 'true' AS admin""",
                Map.of("account", account, "property", ATTRIBUTE_PREFIX + ADMIN_ATTRIBUTE))
                .list(r -> r.get("admin").asBoolean(false))).stream().findFirst().orElse(false);
    }

    private Account requireNotDeleted(TransactionContext tx, String account) {
        Account current = tx.run("MATCH (a:Account {account: $account}) RETURN a", Map.of("account", account))
                .list(AccountStore::toAccount).stream().findFirst().orElseThrow(() -> notFound(account));
        if (current.status() == AccountStatus.DELETED) {
            throw new AccountNotFound("Account '" + account + "' was deleted");
        }
        return current;
    }

    private static String attributeProperty(String key) {
        return ATTRIBUTE_PREFIX + Names.key("account attribute key", key);
    }

    private static String attributeValue(String key, String value) {
        if (value == null || value.length() > MAX_ATTRIBUTE_VALUE) {
            throw new InvalidValueForKey("Invalid value for account attribute '" + key + "': "
                    + (value == null ? "it is missing" : "at most " + MAX_ATTRIBUTE_VALUE + " characters"));
        }
        return value;
    }

    static AccountNotFound notFound(String account) {
        return new AccountNotFound("Account '" + account + "' does not exist");
    }

    static Account toAccount(Record record) {
        Node a = record.get("a").asNode();
        return new Account(
                a.get("account").asString(),
                AccountType.valueOf(a.get("account_type").asString()),
                AccountStatus.valueOf(a.get("status").asString()),
                Values.str(a.get("email")),
                Times.instant(a.get("created_at")),
                Times.instant(a.get("updated_at")),
                Times.instant(a.get("suspended_at")),
                Times.instant(a.get("deleted_at")));
    }
}

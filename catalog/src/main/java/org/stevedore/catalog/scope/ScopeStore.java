package org.stevedore.catalog.scope;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.driver.Record;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.types.Node;
import org.stevedore.catalog.error.AccountNotFound;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.ScopeNotFound;
import org.stevedore.catalog.naming.Names;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;

/**
 * Scopes. Node: {@code (:Account)-[:OWNS]->(:Scope {scope, account, status, created_at})}; {@code scope} is
 * unique. The owner is kept both as a property (read with the scope, no hop) and as the OWNS relationship (lists
 * by account start from the account's unique index instead of scanning scopes).
 */
public final class ScopeStore {

    private final Store store;
    private final Clock clock;

    public ScopeStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * @throws AccountNotFound when the owner does not exist or was deleted
     * @throws Duplicate       when the scope exists (whoever owns it)
     */
    public Scope add(String scope, String account) {
        Names.scope(scope);
        Names.account(account);
        try {
            return store.write(tx -> tx.run("""
                    MATCH (a:Account {account: $account}) WHERE a.status <> 'DELETED'
                    CREATE (a)-[:OWNS]->(s:Scope {scope: $scope, account: $account, status: 'OPEN', created_at: $now})
                    RETURN s""", Map.of("scope", scope, "account", account, "now", clock.millis()))
                    .list(ScopeStore::toScope)).stream().findFirst()
                    .orElseThrow(() -> new AccountNotFound("Account '" + account + "' does not exist"));
        } catch (ClientException e) {
            if (Constraints.isUniquenessViolation(e)) {
                throw new Duplicate("Scope '" + scope + "' already exists");
            }
            throw e;
        }
    }

    public Scope get(String scope) {
        return find(scope).orElseThrow(() -> new ScopeNotFound("Scope '" + scope + "' does not exist"));
    }

    public Optional<Scope> find(String scope) {
        if (scope == null || scope.isEmpty()) {
            return Optional.empty();
        }
        return store.read(tx -> tx.run("MATCH (s:Scope {scope: $scope}) RETURN s", Map.of("scope", scope))
                .list(ScopeStore::toScope)).stream().findFirst();
    }

    public boolean exists(String scope) {
        return find(scope).isPresent();
    }

    /** Every scope, by name. */
    public List<Scope> list() {
        return store.read(tx -> tx.run("MATCH (s:Scope) RETURN s ORDER BY s.scope", Map.of())
                .list(ScopeStore::toScope));
    }

    /** The scopes an account owns, by name. */
    public List<Scope> listByAccount(String account) {
        return store.read(tx -> {
            if (!tx.run("MATCH (a:Account {account: $account}) RETURN a.account", Map.of("account", account)).hasNext()) {
                throw new AccountNotFound("Account '" + account + "' does not exist");
            }
            return tx.run("MATCH (:Account {account: $account})-[:OWNS]->(s:Scope) RETURN s ORDER BY s.scope",
                    Map.of("account", account)).list(ScopeStore::toScope);
        });
    }

    private static Scope toScope(Record record) {
        Node s = record.get("s").asNode();
        return new Scope(s.get("scope").asString(), s.get("account").asString(),
                ScopeStatus.valueOf(s.get("status").asString()), Times.instant(s.get("created_at")));
    }
}

package org.stevedore.auth.session;

import org.stevedore.catalog.account.TokenStore;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;

/**
 * Removes expired session tokens. Expired tokens are already refused; this only keeps the store small. Tokens carry
 * no hash bucket, and the work is tiny, so the first worker of the partition does it all.
 */
public final class ExpiredTokenCleaner implements Worker {

    private final TokenStore tokens;
    private final int batchSize;

    public ExpiredTokenCleaner(TokenStore tokens, int batchSize) {
        this.tokens = tokens;
        this.batchSize = batchSize;
    }

    @Override
    public String executable() {
        return "token-cleaner";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        if (partition.index() != 0) {
            return WorkResult.nothing();
        }
        return WorkResult.of((int) Math.min(Integer.MAX_VALUE, tokens.deleteExpired(batchSize)));
    }
}

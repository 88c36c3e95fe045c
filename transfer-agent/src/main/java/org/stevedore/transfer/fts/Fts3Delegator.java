package org.stevedore.transfer.fts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.transfer.tool.TransferToolCredentialsRejected;

/**
 * Keeps a proxy of ours delegated to one FTS3 server: checks {@code GET /delegation/{id}} when the last known
 * expiry comes within {@code delegationRenewBefore}, and otherwise trusts what it learnt, so a busy submitter does
 * not ask on every submission. Each delegation signs with the credential the source holds at that moment, so a
 * renewed proxy reaches FTS at the next renewal check (at the latest when the old chain is about to run out).
 */
final class Fts3Delegator {

    private static final Logger log = LoggerFactory.getLogger(Fts3Delegator.class);
    /** Even a proxy that cannot live long (our chain expires soon) is not re-delegated more often than this. */
    private static final Duration MIN_RECHECK = Duration.ofMinutes(5);

    private final Fts3Http http;
    private final X509CredentialSource credentials;
    private final ProxySigner signer;
    private final Clock clock;
    private final Duration renewBefore;
    private final Duration lifetime;
    private Instant nextCheck = Instant.MIN;

    Fts3Delegator(Fts3Http http, X509CredentialSource credentials, ProxySigner signer, Clock clock, Duration renewBefore,
                  Duration lifetime) {
        this.http = http;
        this.credentials = credentials;
        this.signer = signer;
        this.clock = clock;
        this.renewBefore = renewBefore;
        this.lifetime = lifetime;
    }

    /** Makes sure FTS holds a proxy of ours with at least {@code renewBefore} left. */
    synchronized void ensure(String delegationId) {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return;
        }
        Fts3Http.Reply reply = http.get(http.url("delegation", delegationId).build());
        if (!reply.ok()) {
            throw rejected("checking the delegation", reply);
        }
        JsonNode info = Fts3Json.parse(reply.body());
        if (info != null && info.hasNonNull("termination_time")) {
            Instant termination = Fts3Json.ftsDate(info.get("termination_time").asText());
            if (termination.isAfter(now.plus(renewBefore))) {
                nextCheck = termination.minus(renewBefore);
                return;
            }
        }
        delegate(delegationId);
    }

    /** Delegates a fresh proxy whatever FTS holds (after a 419, FTS has told us it is not good enough). */
    synchronized void delegate(String delegationId) {
        Fts3Http.Reply request = http.get(http.url("delegation", delegationId, "request").build());
        if (!request.ok()) {
            throw rejected("asking for a delegation request", request);
        }
        // Asked now, not at start-up: a proxy renewed since then signs, so FTS gets the longer-lived chain.
        X509Credential credential = credentials.current();
        String proxyPem = signer.signToPem(request.body(), credential, lifetime);
        Fts3Http.Reply stored = http.put(http.url("delegation", delegationId, "credential").build(), proxyPem,
                Fts3Http.PEM);
        if (!stored.ok()) {
            throw rejected("delegating a proxy", stored);
        }
        Instant now = clock.instant();
        Instant expiry = now.plus(lifetime);
        if (expiry.isAfter(credential.notAfter())) {
            expiry = credential.notAfter();
            log.warn("Delegated proxy to FTS {} only lives until {}: the chain of {} expires then", http.endpoint(),
                    expiry, credential);
        }
        Instant renewal = expiry.minus(renewBefore);
        nextCheck = renewal.isAfter(now.plus(MIN_RECHECK)) ? renewal : now.plus(MIN_RECHECK);
        log.info("Delegated a proxy of {} to FTS {} (delegation id {}) until {}", credential, http.endpoint(),
                delegationId, expiry);
    }

    /** Forget what we know, so the next {@link #ensure} asks FTS again. */
    synchronized void invalidate() {
        nextCheck = Instant.MIN;
    }

    private TransferToolCredentialsRejected rejected(String what, Fts3Http.Reply reply) {
        return new TransferToolCredentialsRejected("FTS " + http.endpoint() + " refused " + what + " with "
                + reply.status() + ": " + Fts3Json.errorMessage(reply.body()), null, List.of());
    }
}

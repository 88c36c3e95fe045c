package org.stevedore.web.did;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.error.RuleNotFound;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.store.TransferQueue;
import org.stevedore.rules.store.UndertakerStore;
import org.stevedore.rules.store.UndertakerStore.RuleOn;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * An admin's deletion of a DID at once ({@code DELETE /dids/{scope}/{name}}): what the undertaker does when a lifetime
 * ends, done now. The DID is expired, its rules are removed through the rules engine with purge, and it is detached
 * from its parents and buried ({@link UndertakerStore#bury}): a collection goes with its content links, and the
 * replicas of its files that no other collection holds get OBSOLETE tombstones; a file's replicas get OBSOLETE
 * tombstones, and the file row goes once the reaper removed them (its bytes first, so no dark data is left). What
 * must wait (a parent's rule still holding a lock through it) is finished by the undertaker, as the DID is expired.
 */
@Component
public class DidEraser {

    private static final Logger log = LoggerFactory.getLogger(DidEraser.class);

    private final Permissions permissions;
    private final DidStore dids;
    private final RuleService rules;
    private final UndertakerStore undertaker;
    private final Clock clock;

    public DidEraser(Permissions permissions, DidStore dids, RuleService rules, Store store, UpdatedDidQueue queue,
                     TransferQueue transfers, Clock clock) {
        this.permissions = permissions;
        this.dids = dids;
        this.rules = rules;
        this.undertaker = new UndertakerStore(store, queue, clock, transfers);
        this.clock = clock;
    }

    /** Admins only (403 for others, checked first); 404 for an unknown DID; 409 when a rule on it is locked. */
    public void erase(Caller caller, String scope, String name) {
        permissions.require(caller, Action.DELETE_DID, Target.scope(scope));
        DidRef ref = DidRef.of(scope, name);
        dids.get(scope, name);
        List<RuleOn> onIt = undertaker.rulesOn(List.of(ref.key()));
        for (RuleOn rule : onIt) {
            if (rules.get(rule.ruleId()).locked()) {
                throw new UnsupportedOperation("DID " + ref + " has locked rule " + rule.ruleId()
                        + "; unlock it before deleting the DID");
            }
        }
        dids.setExpiry(scope, name, clock.instant());
        for (RuleOn rule : onIt) {
            try {
                rules.delete(rule.ruleId(), true);
            } catch (RuleNotFound gone) {
                // Removed meanwhile: what we wanted.
            }
        }
        UndertakerStore.Burial burial = undertaker.bury(List.of(ref.key()));
        log.info("DID {} deleted by {}: {} rule(s) removed, {} collection(s) and {} file(s) gone, {} waiting for the "
                        + "reaper or the re-evaluator", ref, caller.account(), onIt.size(), burial.collectionsDeleted(),
                burial.filesDeleted(), burial.filesKept() + burial.deferred());
    }
}

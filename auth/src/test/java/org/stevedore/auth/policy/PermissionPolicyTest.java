package org.stevedore.auth.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.stevedore.catalog.error.AccessDenied;

/** The default table, action by action: who is permitted, and who is not. */
class PermissionPolicyTest {

    private static final Map<String, String> OWNERS = Map.of("bmn_run8", "alice", "user.bob", "bob",
            "spd_mc", "carol");
    private static final String PRODUCTION = "/bmn/Role=production";

    private final PermissionPolicy policy = new PermissionPolicy(
            new PolicySettings(Set.of(PRODUCTION), PolicySettings.DEFAULT_VO_SCOPES, Set.of()),
            scope -> Optional.ofNullable(OWNERS.get(scope)));

    private static final Subject ROOT = Subject.of("root", true);
    private static final Subject ALICE = Subject.of("alice", false);
    private static final Subject BOB = Subject.of("bob", false);
    private static final Subject PRODUCER = new Subject("prod", false, Set.of("bmn"),
            List.of("/bmn", "/bmn/Role=production/Capability=NULL"));
    private static final Subject BMN_MEMBER = new Subject("dave", false, Set.of("bmn"), List.of("/bmn"));

    private boolean permits(Subject s, Action a, Target t) {
        return policy.decide(s, a, t) == Decision.PERMIT;
    }

    @ParameterizedTest
    @EnumSource(Action.class)
    void adminMayDoEveryAction(Action action) {
        assertThat(permits(ROOT, action, Target.none())).isTrue();
        assertThat(permits(ROOT, action, Target.scope("nobodys"))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Action.class, names = {"ADD_DID", "ATTACH", "DETACH", "SET_DID_METADATA", "SET_DID_STATUS"})
    void namespaceWritesBelongToTheScopeOwner(Action action) {
        assertThat(permits(ALICE, action, Target.scope("bmn_run8"))).isTrue();
        assertThat(permits(BOB, action, Target.scope("bmn_run8"))).isFalse();
        assertThat(permits(ALICE, action, Target.scope("unknown_scope"))).isFalse();
        assertThat(permits(PRODUCER, action, Target.scope("bmn_run8"))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Action.class, names = {"DELETE_DID", "ADD_REPLICAS", "DELETE_REPLICAS", "SET_TOMBSTONE", "ADD_RSE", "UPDATE_RSE", "DELETE_RSE",
            "SET_RSE_ATTRIBUTE", "SET_RSE_LIMIT", "ADD_ACCOUNT", "UPDATE_ACCOUNT", "DELETE_ACCOUNT",
            "SET_ACCOUNT_ATTRIBUTE", "ADD_IDENTITY", "DELETE_IDENTITY", "SET_ACCOUNT_LIMIT",
            "DECLARE_BAD_FILE_REPLICAS", "ADD_BAD_PFNS"})
    void adminActionsAreRefusedToEveryoneElseEvenOnTheirOwnThings(Action action) {
        assertThat(permits(ALICE, action, new Target("bmn_run8", "alice", "alice", "LOCAL_DISK_A"))).isFalse();
        assertThat(permits(PRODUCER, action, new Target("bmn_run8", "prod", "prod", "LOCAL_DISK_A"))).isFalse();
    }

    @Test
    void replicasAreRegisteredByAdminsOrOnUserDisksInsideOnesOwnScopeDirectory() {
        ReplicaPlacement own = new ReplicaPlacement("user.bob", "f", "SCRATCH", true, "user/bob/ab/cd/f", "user.bob");
        policy.requireRegistration(BOB, own);
        policy.requireRegistration(ROOT, new ReplicaPlacement("user.bob", "f", "DISK", false, "elsewhere/f", null));
        // Not a user disk; another's directory; a directory no scope owns; another's file in one's directory.
        for (ReplicaPlacement refused : List.of(
                new ReplicaPlacement("user.bob", "f", "DISK", false, "user/bob/ab/cd/f", "user.bob"),
                new ReplicaPlacement("user.bob", "f", "SCRATCH", true, "bmn_run8/ab/cd/f", "bmn_run8"),
                new ReplicaPlacement("user.bob", "f", "SCRATCH", true, "tmp/f", null),
                new ReplicaPlacement("bmn_run8", "f", "SCRATCH", true, "user/bob/f", "user.bob"))) {
            assertThatThrownBy(() -> policy.requireRegistration(BOB, refused)).as(refused.toString())
                    .isInstanceOf(AccessDenied.class).hasMessageContaining("add_replicas")
                    .hasMessageContaining(refused.path());
        }
        assertThatThrownBy(() -> policy.requireRegistration(PRODUCER, new ReplicaPlacement("bmn_run8", "f", "SCRATCH",
                true, "bmn_run8/f", "bmn_run8"))).isInstanceOf(AccessDenied.class);
        PermissionPolicy strict = new PermissionPolicy(new PolicySettings(Set.of(), PolicySettings.DEFAULT_VO_SCOPES,
                Set.of(Action.ADD_REPLICAS)), scope -> Optional.ofNullable(OWNERS.get(scope)));
        assertThatThrownBy(() -> strict.requireRegistration(BOB, own)).isInstanceOf(AccessDenied.class);
    }

    @Test
    void addScopeOnlyForOneself() {
        assertThat(permits(ALICE, Action.ADD_SCOPE, Target.newScope("alice_new", "alice"))).isTrue();
        assertThat(permits(ALICE, Action.ADD_SCOPE, Target.newScope("bob_new", "bob"))).isFalse();
    }

    @Test
    void addRuleForOneselfOnOwnScopeOrWithProductionRoleOnVoScopes() {
        assertThat(permits(ALICE, Action.ADD_RULE, Target.newRule("bmn_run8", null))).isTrue();
        assertThat(permits(ALICE, Action.ADD_RULE, Target.newRule("bmn_run8", "alice"))).isTrue();
        assertThat(permits(ALICE, Action.ADD_RULE, Target.newRule("bmn_run8", "bob"))).as("for someone else").isFalse();
        assertThat(permits(BOB, Action.ADD_RULE, Target.newRule("bmn_run8", null))).isFalse();
        assertThat(permits(PRODUCER, Action.ADD_RULE, Target.newRule("bmn_run8", null))).isTrue();
        assertThat(permits(PRODUCER, Action.ADD_RULE, Target.newRule("spd_mc", "prod"))).isTrue();
        assertThat(permits(PRODUCER, Action.ADD_RULE, Target.newRule("user.bob", null))).as("personal scope").isFalse();
        assertThat(permits(BMN_MEMBER, Action.ADD_RULE, Target.newRule("bmn_run8", null))).as("no role").isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Action.class, names = {"UPDATE_RULE", "DELETE_RULE"})
    void existingRulesBelongToTheirOwner(Action action) {
        assertThat(permits(ALICE, action, Target.rule("alice", "bmn_run8"))).isTrue();
        assertThat(permits(BOB, action, Target.rule("alice", "bmn_run8"))).isFalse();
        assertThat(permits(PRODUCER, action, Target.rule("alice", "bmn_run8"))).isFalse();
    }

    @Test
    void anOwnerChangesLifetimeCommentActivityAndPurgeButNotWhatIsLeftToAdmins() {
        for (String option : List.of("lifetime", "comment", "activity", "purge_replicas")) {
            assertThat(permits(ALICE, Action.UPDATE_RULE, Target.ruleOption("alice", "bmn_run8", option)))
                    .as(option).isTrue();
            assertThat(permits(BOB, Action.UPDATE_RULE, Target.ruleOption("alice", "bmn_run8", option)))
                    .as(option).isFalse();
        }
        for (String option : List.of("account", "state", "priority", "child_rule_id", "meta", "boost_rule",
                "locked")) {
            assertThat(permits(ALICE, Action.UPDATE_RULE, Target.ruleOption("alice", "bmn_run8", option)))
                    .as(option).isFalse();
            assertThat(permits(ROOT, Action.UPDATE_RULE, Target.ruleOption("alice", "bmn_run8", option)))
                    .as(option).isTrue();
        }
        assertThatThrownBy(() -> policy.require(ALICE, Action.UPDATE_RULE,
                Target.ruleOption("alice", "bmn_run8", "priority")))
                .isInstanceOf(AccessDenied.class)
                .hasMessage("Account alice cannot update_rule on scope 'bmn_run8', rule owned by 'alice', "
                        + "option 'priority'");
    }

    @Test
    void approvingIsForTheApproversTheRulesRsesNameNotForTheOwner() {
        assertThat(permits(ALICE, Action.APPROVE_RULE, Target.ruleApproval("alice", "bmn_run8", Set.of())))
                .as("owner").isFalse();
        assertThat(permits(PRODUCER, Action.APPROVE_RULE, Target.ruleApproval("alice", "bmn_run8", Set.of())))
                .isFalse();
        assertThat(permits(BOB, Action.APPROVE_RULE, Target.ruleApproval("alice", "bmn_run8", Set.of("bob"))))
                .as("named approver").isTrue();
        assertThat(permits(ROOT, Action.APPROVE_RULE, Target.ruleApproval("alice", "bmn_run8", Set.of())))
                .isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Action.class, names = {"SUBMIT_CAMPAIGN", "CANCEL_CAMPAIGN", "REGISTER_TASK", "REPORT_JOB",
            "CANCEL_TASK"})
    void campaignsAndTasksForScopeOwnersAndProduction(Action action) {
        assertThat(permits(ALICE, action, Target.scope("bmn_run8"))).isTrue();
        assertThat(permits(PRODUCER, action, Target.scope("bmn_run8"))).isTrue();
        assertThat(permits(BOB, action, Target.scope("bmn_run8"))).isFalse();
        assertThat(permits(BMN_MEMBER, action, Target.scope("bmn_run8"))).isFalse();
        assertThat(permits(PRODUCER, action, Target.scope("user.bob"))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Action.class, names = {"REPORT_JOB", "CANCEL_TASK"})
    void theAccountThatRegisteredATaskMayReportItsJobsAndCancelIt(Action action) {
        assertThat(permits(BOB, action, Target.task("bob", "bmn_run8"))).isTrue();
        assertThat(permits(BMN_MEMBER, action, Target.task("bob", "bmn_run8"))).isFalse();
        assertThat(permits(ALICE, action, Target.task("bob", "bmn_run8"))).isTrue();
        assertThat(permits(BOB, Action.REGISTER_TASK, Target.task("bob", "bmn_run8"))).isFalse();
    }

    @Test
    void onlyTheAccountThatRegisteredATaskSeesItsWebhookDeliveries() {
        assertThat(permits(BOB, Action.VIEW_TASK_DELIVERIES, Target.task("bob", null))).isTrue();
        assertThat(permits(ALICE, Action.VIEW_TASK_DELIVERIES, Target.task("bob", null))).isFalse();
        assertThat(permits(PRODUCER, Action.VIEW_TASK_DELIVERIES, Target.task("bob", null))).isFalse();
        assertThat(permits(BMN_MEMBER, Action.VIEW_TASK_DELIVERIES, Target.task("bob", "bmn_run8"))).isFalse();
        assertThat(permits(ALICE, Action.VIEW_TASK_DELIVERIES, Target.task(null, null))).isFalse();
    }

    @Test
    void anyAccountMayDeclareReplicasSuspicious() {
        assertThat(permits(ALICE, Action.DECLARE_SUSPICIOUS_FILE_REPLICAS, Target.none())).isTrue();
        assertThat(permits(BOB, Action.DECLARE_SUSPICIOUS_FILE_REPLICAS, Target.none())).isTrue();
    }

    @Test
    void anAccountListsOnlyItsOwnTasks() {
        assertThat(permits(BOB, Action.LIST_TASKS, Target.task("bob", null))).isTrue();
        assertThat(permits(ALICE, Action.LIST_TASKS, Target.task("bob", null))).isFalse();
        assertThat(permits(PRODUCER, Action.LIST_TASKS, Target.task("bob", null))).isFalse();
        assertThat(permits(ALICE, Action.LIST_TASKS, Target.task(null, null))).isFalse();
    }

    @Test
    void onlyAdminsListTheInstancesHeartbeats() {
        assertThat(permits(ROOT, Action.LIST_HEARTBEATS, Target.none())).isTrue();
        assertThat(permits(ALICE, Action.LIST_HEARTBEATS, Target.none())).isFalse();
        assertThat(permits(PRODUCER, Action.LIST_HEARTBEATS, Target.none())).isFalse();
    }

    @Test
    void everyActionIsCoveredByOneOfTheTestsAbove() {
        EnumSet<Action> covered = EnumSet.of(Action.ADD_DID, Action.ATTACH, Action.DETACH, Action.SET_DID_METADATA,
                Action.SET_DID_STATUS, Action.DELETE_DID, Action.ADD_REPLICAS, Action.DELETE_REPLICAS, Action.SET_TOMBSTONE, Action.ADD_RSE,
                Action.UPDATE_RSE, Action.DELETE_RSE, Action.SET_RSE_ATTRIBUTE, Action.SET_RSE_LIMIT, Action.ADD_ACCOUNT,
                Action.UPDATE_ACCOUNT, Action.DELETE_ACCOUNT, Action.SET_ACCOUNT_ATTRIBUTE, Action.ADD_IDENTITY,
                Action.DELETE_IDENTITY, Action.SET_ACCOUNT_LIMIT, Action.ADD_SCOPE, Action.ADD_RULE,
                Action.UPDATE_RULE, Action.APPROVE_RULE, Action.DELETE_RULE, Action.SUBMIT_CAMPAIGN,
                Action.CANCEL_CAMPAIGN, Action.REGISTER_TASK, Action.REPORT_JOB, Action.CANCEL_TASK,
                Action.VIEW_TASK_DELIVERIES, Action.DECLARE_BAD_FILE_REPLICAS, Action.ADD_BAD_PFNS,
                Action.DECLARE_SUSPICIOUS_FILE_REPLICAS, Action.LIST_TASKS, Action.LIST_HEARTBEATS);
        assertThat(covered).containsExactlyInAnyOrder(Action.values());
    }

    @Test
    void deploymentMayReserveMoreActionsToAdmins() {
        PermissionPolicy strict = new PermissionPolicy(new PolicySettings(Set.of(), PolicySettings.DEFAULT_VO_SCOPES,
                Set.of(Action.ADD_SCOPE)), scope -> Optional.empty());
        assertThat(strict.decide(ALICE, Action.ADD_SCOPE, Target.newScope("a", "alice"))).isEqualTo(Decision.DENY);
        assertThat(strict.decide(ROOT, Action.ADD_SCOPE, Target.newScope("a", "alice"))).isEqualTo(Decision.PERMIT);
    }

    @Test
    void refusalIsAccessDeniedNamingTheAction() {
        assertThatThrownBy(() -> policy.require(BOB, Action.ADD_DID, Target.scope("bmn_run8")))
                .isInstanceOf(AccessDenied.class)
                .hasMessage("Account bob cannot add_did on scope 'bmn_run8'");
    }
}

package org.stevedore.tape.store;

import java.util.Objects;

/**
 * Where a campaign's staged files go on to: the dataset they are attached to as they settle STAGED, and the rule on it
 * that copies them to the destination (its locks say when a copy landed or got stuck).
 *
 * @param datasetKey   {@code scope:name} of the open dataset the staged files are attached to
 * @param ruleId       the rule on that dataset that copies them
 * @param owned        whether the campaign made the dataset and rule (and so removes the rule when cancelled), or was
 *                     given someone else's (a workload bridge task's own dataset and pin rule)
 * @param bridgeTaskId the workload bridge task whose dataset it is, or null: a staged file is then attached only while
 *                     an unfinished job of that task needs it
 */
public record CampaignTarget(String datasetKey, String ruleId, boolean owned, String bridgeTaskId) {

    public CampaignTarget {
        Objects.requireNonNull(datasetKey, "datasetKey");
        Objects.requireNonNull(ruleId, "ruleId");
    }

    /** A dataset and rule the campaign made for itself. */
    public static CampaignTarget owned(String datasetKey, String ruleId) {
        return new CampaignTarget(datasetKey, ruleId, true, null);
    }

    /** A workload bridge task's dataset and pin rule. */
    public static CampaignTarget ofTask(String datasetKey, String ruleId, String taskId) {
        return new CampaignTarget(datasetKey, ruleId, false, Objects.requireNonNull(taskId, "taskId"));
    }
}

package org.stevedore.bridge.task;

import java.util.List;

/**
 * The body of {@code POST /bridge/tasks}: a task of the workflow system (an Airflow DAG run, a PanDA task) with its
 * inputs, where its jobs will read, how long its pins last without news from it, and its jobs, either listed or made
 * by a splitting rule.
 *
 * @param pinLifetime seconds (a number or a string of digits) or an ISO-8601 duration such as {@code "PT12H"}
 */
public record TaskRegistration(String taskId, List<String> inputs, String rseExpression, Object pinLifetime,
                               Integer priority, List<JobSpec> jobs, Split split, Webhook webhook) {

    /** One job with the input files it reads ({@code "scope:name"}, each among the task's input files). */
    public record JobSpec(String jobId, List<String> files) {
    }

    /** One job per {@code filesPerJob} input files, in input order; 1 is SPD's online filter. */
    public record Split(Integer filesPerJob) {
    }

    /** Where to push releases; {@code secret} signs them. */
    public record Webhook(String url, String secret) {
    }
}

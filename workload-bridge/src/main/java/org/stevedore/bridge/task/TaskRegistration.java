package org.stevedore.bridge.task;

import java.util.List;

/**
 * The body of {@code POST /bridge/tasks}: a task of the workflow system (an Airflow DAG run, a PanDA task) with its
 * inputs, where its jobs will read, how long its pins last without news from it, and its jobs, either listed or made
 * by a splitting rule.
 *
 * @param pinLifetime seconds (a number or a string of digits) or an ISO-8601 duration such as {@code "PT12H"}
 * @param staging     the window and deadline of the task's own tape campaign (null: the service's defaults)
 * @param streaming   true: the task follows its open input collections, a job per {@code split.filesPerJob} files
 *                    attached later, until every input is closed (the SPD online filter); null or false: the jobs are
 *                    made at registration from the files the inputs hold then
 */
public record TaskRegistration(String taskId, List<String> inputs, String rseExpression, Object pinLifetime,
                               Integer priority, List<JobSpec> jobs, Split split, Webhook webhook, Staging staging,
                               Boolean streaming) {

    public TaskRegistration(String taskId, List<String> inputs, String rseExpression, Object pinLifetime,
                            Integer priority, List<JobSpec> jobs, Split split, Webhook webhook, Staging staging) {
        this(taskId, inputs, rseExpression, pinLifetime, priority, jobs, split, webhook, staging, null);
    }

    /** Whether the task follows its open inputs (see {@code streaming}). */
    public boolean streams() {
        return Boolean.TRUE.equals(streaming);
    }

    public TaskRegistration(String taskId, List<String> inputs, String rseExpression, Object pinLifetime,
                            Integer priority, List<JobSpec> jobs, Split split, Webhook webhook) {
        this(taskId, inputs, rseExpression, pinLifetime, priority, jobs, split, webhook, null);
    }

    /**
     * The task's own tape campaign, for inputs no running campaign stages already: at most {@code windowFiles} files
     * and {@code windowBytes} bytes in flight per tape endpoint (each from 1 to the service's task window, which is
     * also the default), ended at {@code deadline} (an ISO-8601 instant; null: none).
     */
    public record Staging(Long windowFiles, Long windowBytes, String deadline) {
    }

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

package org.stevedore.bridge.output;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.bridge.store.JobOutputs;
import org.stevedore.bridge.store.JobOutputs.Output;
import org.stevedore.bridge.store.JobOutputs.Registered;

/**
 * Registers what a job wrote: its output files with their replicas, attached to the task's output dataset (made open
 * on first use, owned by the caller's account). All or nothing, and repeatable: a retried job that registers the same
 * files again changes nothing. At task end, {@link #close} freezes the dataset.
 */
public final class OutputRegistrar {

    private static final Logger log = LoggerFactory.getLogger(OutputRegistrar.class);

    private final JobOutputs outputs;

    public OutputRegistrar(JobOutputs outputs) {
        this.outputs = outputs;
    }

    /**
     * Registers {@code files} of job {@code jobId} (for the log only; may be null) as files of {@code scope} in
     * {@code scope:dataset}, owned by {@code account}. Refusals are catalog errors naming the offending file, RSE or
     * scope, and leave the catalog unchanged.
     */
    public Registered register(String account, String jobId, String scope, String dataset, List<Output> files) {
        Registered done = outputs.register(account, scope, dataset, files);
        log.info("Job {} registered {} output replica(s) into {}:{} ({} already there{})", jobId, done.replicasAdded(),
                scope, dataset, done.alreadyRegistered(), done.datasetCreated() ? ", dataset created" : "");
        return done;
    }

    /** Closes the output dataset at the end of its task. */
    public void close(String scope, String dataset) {
        outputs.close(scope, dataset);
        log.info("Output dataset {}:{} closed", scope, dataset);
    }
}

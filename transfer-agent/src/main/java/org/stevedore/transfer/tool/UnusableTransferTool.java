package org.stevedore.transfer.tool;

import java.util.List;
import java.util.Map;

/**
 * Stands in for a tool that cannot be used as configured (no credentials for an FTS server, an {@code fts} attribute
 * that is no URL, a client that could not be built): every call fails with {@code reason}, which the conveyor records
 * on the requests, so they wait in the queue with a reason an operator can act on instead of failing the service.
 */
public final class UnusableTransferTool implements TransferTool {

    private final String reason;

    public UnusableTransferTool(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    @Override
    public List<SubmittedJob> submit(List<TransferJob> jobs) {
        throw new TransferToolCredentialsRejected(reason, null, List.of());
    }

    @Override
    public Map<String, JobStatus> query(List<String> jobIds) {
        throw new TransferToolCredentialsRejected(reason, null, List.of());
    }

    @Override
    public void cancel(List<String> jobIds) {
        throw new TransferToolCredentialsRejected(reason, null, List.of());
    }

    @Override
    public void setPriority(String jobId, int priority) {
        throw new TransferToolCredentialsRejected(reason, null, List.of());
    }

    @Override
    public String toString() {
        return "UnusableTransferTool[" + reason + "]";
    }
}

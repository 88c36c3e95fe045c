package org.stevedore.transfer.tool;

import java.util.List;

/** A job id the tool does not know, for calls that need the job to exist (changing its priority). */
public class TransferJobNotFound extends TransferToolException {

    public TransferJobNotFound(String jobId) {
        super("transfer tool job " + jobId + " not found", null, List.of());
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}

package org.stevedore.transfer.tool;

import java.util.List;

/**
 * The tool refused our credentials (401/403 from its TLS layer, a delegation it will not accept, a token it does
 * not trust). Fatal until an operator fixes the certificate, proxy or token.
 */
public class TransferToolCredentialsRejected extends TransferToolException {

    public TransferToolCredentialsRejected(String message, Throwable cause, List<SubmittedJob> alreadySubmitted) {
        super(message, cause, alreadySubmitted);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}

package org.stevedore.catalog.account;

/**
 * The fields of an account a client may change (Rucio's {@code PUT /accounts/{acc}} keys); null leaves a field
 * as it is. An empty email clears it.
 */
public record AccountUpdate(AccountStatus status, String email) {

    public static AccountUpdate status(AccountStatus status) {
        return new AccountUpdate(status, null);
    }

    public static AccountUpdate email(String email) {
        return new AccountUpdate(null, email);
    }
}

package org.stevedore.catalog.did;

import java.time.Duration;
import java.util.Map;

/**
 * A DID to register. Checksums and size apply to files; {@code lifetime} sets the expiry; {@code meta} is free
 * key/value metadata.
 */
public record NewDid(
        String scope,
        String name,
        DidType type,
        String account,
        Long bytes,
        String adler32,
        String md5,
        String guid,
        Long events,
        boolean monotonic,
        Duration lifetime,
        Map<String, Object> meta) {

    public static NewDid file(String scope, String name, String account, long bytes, String adler32) {
        return new NewDid(scope, name, DidType.FILE, account, bytes, adler32, null, null, null, false, null, null);
    }

    public static NewDid collection(String scope, String name, DidType type, String account) {
        return new NewDid(scope, name, type, account, null, null, null, null, null, false, null, null);
    }

    public DidRef ref() {
        return new DidRef(scope, name);
    }
}

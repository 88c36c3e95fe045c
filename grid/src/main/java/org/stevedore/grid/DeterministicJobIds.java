package org.stevedore.grid;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The job ids FTS3 assigns with {@code id_generator: deterministic}: {@code uuid5(uuid5(BASE, vo), sid)}. We
 * compute them ourselves because a 409 on resubmission carries no job id, yet tells us the job exists under
 * exactly this one.
 */
public final class DeterministicJobIds {

    /** FTS3's global root namespace, the same on every installation (whoami reports it as {@code base_id}). */
    public static final UUID FTS_BASE_ID = UUID.fromString("01874efb-4735-4595-bc9c-591aef8240c9");

    private DeterministicJobIds() {
    }

    public static String jobId(String vo, String sid) {
        return uuid5(uuid5(FTS_BASE_ID, vo), sid).toString();
    }

    /** RFC 4122 name-based UUID with SHA-1, as Python's {@code uuid.uuid5} (name encoded as UTF-8). */
    public static UUID uuid5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-1", e);
        }
        sha1.update(ByteBuffer.allocate(16)
                .putLong(namespace.getMostSignificantBits())
                .putLong(namespace.getLeastSignificantBits())
                .array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}

package org.stevedore.catalog.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The password of the embedded server's {@code neo4j} user, kept in a file only the service's user can read
 * ({@code rw-------}), so that Bolt, open on localhost, needs it: without it any local user could read and change
 * the whole catalog. Generated on the first start; operators read it there to connect with Neo4j Browser,
 * cypher-shell or a second instance. Its value never appears in a log line or a {@code toString}.
 */
public final class BoltPassword {

    /** The file's name in the embedded server's home ({@code <data-dir>/neo4j}). */
    public static final String FILE_NAME = "neo4j-password";
    /** The embedded server's user. */
    public static final String USER = "neo4j";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final int RANDOM_BYTES = 32;

    private BoltPassword() {
    }

    /** Where the password of the server whose home is {@code home} is kept. */
    public static Path file(Path home) {
        return home.resolve(FILE_NAME);
    }

    /** The password kept under {@code home}, if there is one. */
    public static Optional<String> read(Path home) {
        Path file = file(home);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (password.isEmpty()) {
                throw new IllegalStateException("The embedded Neo4j password file " + file.toAbsolutePath()
                        + " is empty; remove it and start again to generate a new password");
            }
            return Optional.of(password);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the embedded Neo4j password file " + file.toAbsolutePath(), e);
        }
    }

    /** A new random password: 256 bits, URL-safe Base64, so it can be pasted into any tool's prompt or URL. */
    static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Writes {@code password} to the file under {@code home}: into a temporary file created with mode
     * {@code rw-------} (never readable by others, not even for a moment), then moved into place in one step, so the
     * file is either absent or complete.
     */
    static void write(Path home, String password) {
        Path file = file(home);
        try {
            Files.createDirectories(home);
            Path temporary = home.resolve(FILE_NAME + ".tmp");
            Files.deleteIfExists(temporary);
            boolean posix = Files.getFileAttributeView(home, PosixFileAttributeView.class) != null;
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
            try (SeekableByteChannel out = Files.newByteChannel(temporary,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
                out.write(ByteBuffer.wrap((password + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            if (posix) {
                // The creation mode is narrowed by the umask only; set it exactly, before the file has its name.
                Files.setPosixFilePermissions(temporary, OWNER_ONLY);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("Another process is writing " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the embedded Neo4j password file " + file.toAbsolutePath(), e);
        }
    }
}

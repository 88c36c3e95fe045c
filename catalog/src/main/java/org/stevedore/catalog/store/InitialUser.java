package org.stevedore.catalog.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.io.fs.FileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

/**
 * The {@code neo4j} user's password as a new store's system database takes it on creation: the initial-user file
 * ({@code data/dbms/auth.ini}) that {@code neo4j-admin dbms set-initial-password} writes, written here with the same
 * Neo4j classes. So a new embedded server never has Bolt open with the default password, not even for a moment.
 */
final class InitialUser {

    private InitialUser() {
    }

    static void write(Path home, String password) {
        Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home.toAbsolutePath()).build();
        Path file = CommunitySecurityModule.getInitialUserRepositoryFile(config);
        try (FileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            if (fs.fileExists(file)) {
                fs.deleteFile(file); // left by a start that failed before the system database was made
            }
            fs.mkdirs(file.getParent());
            FileUserRepository users = new FileUserRepository(fs, file, NullLogProvider.getInstance(),
                    EmptyMemoryTracker.INSTANCE);
            users.start();
            try {
                users.create(new User(BoltPassword.USER, null, SystemGraphCredential.createCredentialForPassword(
                        password.getBytes(StandardCharsets.UTF_8), new SecureHasher()), false, false));
            } finally {
                users.shutdown();
            }
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // It holds the password's hash until the system database is made: for the service's user only.
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write the embedded Neo4j's initial user under "
                    + home.toAbsolutePath(), e);
        }
    }
}

package org.stevedore.auth.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.auth.password.PasswordHasher;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.account.Identity;
import org.stevedore.catalog.account.IdentityStore;
import org.stevedore.catalog.account.IdentityType;
import org.stevedore.catalog.error.Duplicate;

/**
 * First start on an empty store: creates the {@code root} account (SERVICE, attribute {@code admin=true}, as in
 * Rucio) and a USERPASS identity {@code root} (default account root) whose generated password is written to a file
 * only the owner can read. Once {@code root} exists, does nothing.
 *
 * <p>The password file is never overwritten: if it exists while {@code root} does not (a wiped store, or a crash
 * between writing the file and creating the account), start-up stops with a message saying what to remove.
 */
public final class RootBootstrap {

    public static final String ROOT = "root";
    private static final int PASSWORD_BYTES = 24; // 192 bits, 32 URL-safe characters
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private static final Logger log = LoggerFactory.getLogger(RootBootstrap.class);

    private final AccountStore accounts;
    private final IdentityStore identities;
    private final PasswordHasher hasher;
    private final SecureRandom random;

    public RootBootstrap(AccountStore accounts, IdentityStore identities, PasswordHasher hasher, SecureRandom random) {
        this.accounts = accounts;
        this.identities = identities;
        this.hasher = hasher;
        this.random = random;
    }

    /**
     * @return the password file when this call created root (so the application can tell the operator where it
     *         is), empty when root already existed
     * @throws IllegalStateException when root is missing but the password file already exists
     */
    public Optional<Path> bootstrap(Path passwordFile) {
        if (accounts.find(ROOT).isPresent()) {
            return Optional.empty();
        }
        Path file = passwordFile.toAbsolutePath();
        String password = newPassword();
        // The file first: an account whose password was never written down would lock everyone out.
        writeOwnerOnly(file, password + "\n");
        try {
            accounts.add(ROOT, AccountType.SERVICE, null, Map.of(AccountStore.ADMIN_ATTRIBUTE, "true"));
            identities.add(new Identity(ROOT, IdentityType.USERPASS, ROOT, null, hasher.hash(password), true));
        } catch (Duplicate raced) {
            // Another instance on the same store got there first; our password belongs to nothing.
            deleteQuietly(file);
            return Optional.empty();
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
        log.info("Created the admin account '{}'; the password of identity USERPASS '{}' is in {}", ROOT, ROOT, file);
        return Optional.of(file);
    }

    private String newPassword() {
        byte[] bytes = new byte[PASSWORD_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void writeOwnerOnly(Path file, String content) {
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            Path parent = file.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                if (posix) {
                    Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                } else {
                    Files.createDirectories(parent);
                }
            }
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                    : new FileAttribute<?>[0];
            // CREATE_NEW with the permissions given at creation: the file is never readable by others, not even
            // for a moment, and an existing file is never replaced.
            try (SeekableByteChannel channel = Files.newByteChannel(file,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
                if (posix) {
                    Files.setPosixFilePermissions(file, OWNER_FILE); // exact, whatever the umask
                } else {
                    file.toFile().setReadable(false, false);
                    file.toFile().setReadable(true, true);
                    file.toFile().setWritable(true, true);
                }
                channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("The store has no '" + ROOT + "' account but the root password file "
                    + file + " already exists; it is never overwritten. Move it away (it may hold the password of a"
                    + " previous store) and start again to create '" + ROOT + "' with a new password.");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the root password file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not remove the unused root password file {}: {}", file, e.getMessage());
        }
    }
}

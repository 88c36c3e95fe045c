package org.stevedore.auth.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.auth.password.PasswordHasher;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.account.IdentityStore;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.account.TokenStore;
import org.stevedore.catalog.testing.StoreTest;

class RootBootstrapTest extends StoreTest {

    private static final PasswordHasher HASHER = new PasswordHasher();

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final AccountStore accounts = new AccountStore(store, clock);
    private final IdentityStore identities = new IdentityStore(store, clock);
    private final AuthService auth = new AuthService(accounts, identities, new TokenStore(store, clock), HASHER, clock);
    private final RootBootstrap bootstrap = new RootBootstrap(accounts, identities, HASHER, new SecureRandom());

    @Test
    void firstStartCreatesAnAdminRootWhosePasswordOnlyTheOwnerCanRead() throws Exception {
        Path file = dir.resolve("secrets/deeper/root-password");

        Optional<Path> written = bootstrap.bootstrap(file);

        assertThat(written).contains(file.toAbsolutePath());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(accounts.get("root").type()).isEqualTo(AccountType.SERVICE);
        assertThat(accounts.isAdmin("root")).isTrue();

        String password = Files.readString(file).strip();
        assertThat(password).hasSizeGreaterThanOrEqualTo(32);
        assertThat(auth.userpass("root", password, "root").account()).isEqualTo("root");
        assertThat(auth.userpass("root", password, null).account()).as("root is the identity's default").isEqualTo("root");
    }

    @Test
    void laterStartsDoNothingAndLeaveTheFileAlone() throws Exception {
        Path file = dir.resolve("root-password");
        bootstrap.bootstrap(file);
        String password = Files.readString(file);
        FileTime modified = Files.getLastModifiedTime(file);

        assertThat(bootstrap.bootstrap(file)).isEmpty();
        assertThat(bootstrap.bootstrap(dir.resolve("elsewhere"))).isEmpty();

        assertThat(Files.readString(file)).isEqualTo(password);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
        assertThat(Files.exists(dir.resolve("elsewhere"))).isFalse();
        assertThat(auth.userpass("root", password.strip(), "root").account()).isEqualTo("root");
    }

    @Test
    void anExistingPasswordFileIsNeverOverwrittenEvenWithoutRoot() throws Exception {
        Path file = dir.resolve("root-password");
        Files.writeString(file, "from an earlier store\n");

        assertThatThrownBy(() -> bootstrap.bootstrap(file))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("never overwritten");

        assertThat(Files.readString(file)).isEqualTo("from an earlier store\n");
        assertThat(accounts.find("root")).isEmpty();
    }
}

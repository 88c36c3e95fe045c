package org.stevedore.transfer.fts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A bearer token kept in a file that something else refreshes (an OIDC agent, a cron with a client-credentials grant),
 * read again when the file changes (see {@link RenewedFiles}), looked at no more than once per {@code recheck}. An
 * empty or unreadable file after a change keeps the token that was read last, with one warning.
 */
public final class TokenFile implements Supplier<String> {

    private final Path file;
    private final RenewedFiles<String> token;

    /** @throws IllegalArgumentException when the file cannot be read or holds no token now */
    public TokenFile(Path file, Clock clock, Duration recheck) {
        this.file = file;
        this.token = new RenewedFiles<>(List.of(file), this::read, "FTS bearer token", clock, recheck);
    }

    @Override
    public String get() {
        return token.get();
    }

    private String read() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage(), e);
        }
        if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the token file " + file + " must hold one token and nothing else");
        }
        return text;
    }

    @Override
    public String toString() {
        return "TokenFile[" + file + "]";
    }
}

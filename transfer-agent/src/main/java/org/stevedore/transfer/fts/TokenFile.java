package org.stevedore.transfer.fts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bearer token kept in a file that something else refreshes (an OIDC agent, a cron with a client-credentials grant):
 * read again when the file's modification time changes, looked at no more than once per {@code recheck}. An empty or
 * unreadable file after a change keeps the token that was read last, with one warning.
 */
public final class TokenFile implements Supplier<String> {

    private static final Logger log = LoggerFactory.getLogger(TokenFile.class);

    private final Path file;
    private final Clock clock;
    private final Duration recheck;
    private String token;
    private FileTime loaded;
    private FileTime failed;
    private Instant nextCheck;

    /** @throws IllegalArgumentException when the file cannot be read or holds no token now */
    public TokenFile(Path file, Clock clock, Duration recheck) {
        this.file = file;
        this.clock = clock;
        this.recheck = recheck;
        this.loaded = modified();
        this.token = read();
        this.nextCheck = clock.instant().plus(recheck);
    }

    @Override
    public synchronized String get() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return token;
        }
        nextCheck = now.plus(recheck);
        try {
            FileTime modified = modified();
            if (modified.equals(loaded) || modified.equals(failed)) {
                return token;
            }
            try {
                token = read();
                loaded = modified;
                failed = null;
                log.info("Bearer token re-read from {}", file);
            } catch (IllegalArgumentException e) {
                failed = modified;
                log.warn("The token file {} changed but holds no usable token, keeping the previous one: {}", file,
                        e.getMessage());
            }
        } catch (IllegalArgumentException e) {
            log.warn("Cannot look at the token file, keeping the previous token: {}", e.getMessage());
        }
        return token;
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage(), e);
        }
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

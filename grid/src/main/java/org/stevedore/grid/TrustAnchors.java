package org.stevedore.grid;

import java.nio.file.Path;

/**
 * The CAs a storage's host certificate must chain to: either an IGTF-style directory ({@code /etc/grid-security/certificates},
 * whose {@code <hash>.N} and {@code *.pem} files are read) or one PEM bundle. Exactly one of the two is set, so that
 * which trust is in force is never a guess.
 */
public record TrustAnchors(Path caDirectory, Path caBundle) {

    public TrustAnchors {
        if ((caDirectory == null) == (caBundle == null)) {
            throw new IllegalArgumentException("Give exactly one of a CA directory and a CA bundle");
        }
    }

    public static TrustAnchors directory(Path caDirectory) {
        return new TrustAnchors(caDirectory, null);
    }

    public static TrustAnchors bundle(Path caBundle) {
        return new TrustAnchors(null, caBundle);
    }
}

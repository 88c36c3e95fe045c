package org.stevedore.testsupport.fts;

/**
 * The emulator's check of the URLs of a submitted file, kept apart from the HTTP handling it serves: it is the one
 * piece of the submission that is tuned for speed (the benchmark submits many files), and is tested on its own.
 */
final class SubmittedUrls {

    private SubmittedUrls() {
    }

    /**
     * A URL as FTS takes it: {@code scheme://host[:port]/path}, the scheme not {@code file}. Checked by hand rather
     * than with {@link java.net.URI}, which cost more than the rest of a submitted file: a scheme of letters, digits, '+', '-'
     * and '.', a host name (letters, digits, '-', '.') or a bracketed IPv6 address, an optional numeric port, a path,
     * and no whitespace anywhere.
     */
    static String valid(String url) {
        int sep = url.indexOf("://");
        int hostStart = sep + 3;
        int pathStart = sep < 0 ? -1 : url.indexOf('/', hostStart);
        if (sep <= 0 || pathStart < 0 || !scheme(url, sep) || !authority(url, hostStart, pathStart)
                || hasWhitespace(url)) {
            throw new IllegalArgumentException("Invalid URL " + url + ": it needs a scheme, a host and a path");
        }
        if (sep == 4 && url.startsWith("file")) {
            throw new IllegalArgumentException("Can not transfer local files: " + url);
        }
        return url;
    }

    private static boolean scheme(String url, int end) {
        if (!isAsciiLetter(url.charAt(0))) {
            return false;
        }
        for (int i = 1; i < end; i++) {
            char c = url.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** {@code host[:port]} between {@code from} and {@code to}; user information is not taken. */
    private static boolean authority(String url, int from, int to) {
        int hostEnd;
        if (url.charAt(from) == '[') {
            hostEnd = url.indexOf(']', from);
            if (hostEnd < 0 || hostEnd > to || hostEnd == from + 1) {
                return false;
            }
            hostEnd++;
        } else {
            int colon = url.indexOf(':', from);
            hostEnd = colon >= 0 && colon < to ? colon : to;
            if (hostEnd == from) {
                return false;
            }
            for (int i = from; i < hostEnd; i++) {
                char c = url.charAt(i);
                if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.') {
                    return false;
                }
            }
        }
        if (hostEnd == to) {
            return true;
        }
        if (url.charAt(hostEnd) != ':' || hostEnd + 1 == to) {
            return false;
        }
        for (int i = hostEnd + 1; i < to; i++) {
            if (url.charAt(i) < '0' || url.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean hasWhitespace(String url) {
        for (int i = 0; i < url.length(); i++) {
            if (Character.isWhitespace(url.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}

package org.stevedore.web.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Rucio's date forms: RFC 1123 with a literal {@code UTC} in DID/replica/rule documents, ISO in account documents. */
public final class RucioDates {

    private static final DateTimeFormatter RFC1123 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.US).withZone(ZoneOffset.UTC);

    private RucioDates() {
    }

    public static String rfc1123(Instant instant) {
        return instant == null ? null : RFC1123.format(instant);
    }

    public static String iso(Instant instant) {
        return instant == null ? null : ISO.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}

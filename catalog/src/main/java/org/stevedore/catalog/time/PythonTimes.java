package org.stevedore.catalog.time;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Times written as Rucio's Python code prints a naive UTC {@code datetime} ({@code str(datetime)}): what consumers of
 * its messages (Hermes bodies, event payloads) parse.
 */
public final class PythonTimes {

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private PythonTimes() {
    }

    /** {@code 2026-12-07 14:05:00.123000}; no fraction when the microseconds are zero, as Python prints it. */
    public static String str(Instant at) {
        String seconds = SECONDS.format(at);
        int micros = at.getNano() / 1_000;
        return micros == 0 ? seconds : seconds + String.format(Locale.ROOT, ".%06d", micros);
    }
}

package org.stevedore.web.pin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.tape.store.Pin;
import org.stevedore.tape.store.PinStore;
import org.stevedore.web.api.RucioDates;

/**
 * The pins of staged replicas on an RSE: which stage request holds each disk copy, until when its rules need it
 * ({@code expires_at}) and until when campaigns hold it ({@code held_until}). A page at a time, by file:
 * {@code ?limit=} (1..10000, 1000 by default) and {@code ?after=<scope:name>} from the last one seen.
 */
@RestController
public class PinController {

    private static final int MAX_LIMIT = 10_000;

    private final PinStore pins;
    private final RseStore rses;

    public PinController(PinStore pins, RseStore rses) {
        this.pins = pins;
        this.rses = rses;
    }

    @GetMapping({"/rses/{rse}/pins", "/rses/{rse}/pins/"})
    public List<Map<String, Object>> pins(@PathVariable String rse, @RequestParam(required = false) String after,
                                          @RequestParam(required = false) String limit) {
        int n = limit(limit);
        rses.get(rse);
        return pins.pinsOn(rse, after, n).stream().map(PinController::document).toList();
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return 1_000;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidObject("Parameter 'limit' must be a whole number from 1 to " + MAX_LIMIT + ", got '" + text + "'");
    }

    private static Map<String, Object> document(Pin p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", p.file().scope());
        m.put("name", p.file().name());
        m.put("rse", p.rse());
        m.put("request_id", p.requestId());
        m.put("path", p.path());
        m.put("pinned_at", date(p.pinnedAt()));
        m.put("expires_at", date(p.expiresAt()));
        m.put("held_until", date(p.heldUntil()));
        return m;
    }

    private static String date(Instant instant) {
        return instant == null ? null : RucioDates.iso(instant);
    }
}

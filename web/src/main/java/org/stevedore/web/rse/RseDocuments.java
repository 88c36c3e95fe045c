package org.stevedore.web.rse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseDistance;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.web.api.RucioDates;

/** RSE documents in Rucio's shapes. */
final class RseDocuments {

    private RseDocuments() {
    }

    /** A line of {@code GET /rses/}. */
    static Map<String, Object> summary(Rse r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("rse", r.rse());
        m.put("vo", "def");
        m.put("rse_type", r.rseType().name());
        m.put("deterministic", r.deterministic());
        m.put("volatile", r.isVolatile());
        m.put("staging_area", r.stagingArea());
        m.put("city", r.city());
        m.put("region_code", r.regionCode());
        m.put("country_name", r.countryName());
        m.put("continent", r.continent());
        m.put("time_zone", r.timeZone());
        m.put("ISP", r.isp());
        m.put("ASN", r.asn());
        m.put("longitude", r.longitude());
        m.put("latitude", r.latitude());
        m.put("availability", availability(r));
        m.put("availability_read", r.availabilityRead());
        m.put("availability_write", r.availabilityWrite());
        m.put("availability_delete", r.availabilityDelete());
        m.put("qos_class", r.qosClass());
        m.put("deleted", false);
        m.put("deleted_at", null);
        m.put("created_at", RucioDates.rfc1123(r.createdAt()));
        m.put("updated_at", RucioDates.rfc1123(r.updatedAt()));
        return m;
    }

    /** {@code GET /rses/{rse}} and its protocol views: the RSE with its protocols, as the client's RSE manager reads it. */
    static Map<String, Object> info(Rse r, List<RseProtocol> protocols) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("rse", r.rse());
        m.put("rse_type", r.rseType().name());
        m.put("deterministic", r.deterministic());
        m.put("volatile", r.isVolatile());
        m.put("staging_area", r.stagingArea());
        m.put("availability_read", r.availabilityRead());
        m.put("availability_write", r.availabilityWrite());
        m.put("availability_delete", r.availabilityDelete());
        m.put("credentials", null);
        m.put("domain", List.of("lan", "wan"));
        m.put("lfn2pfn_algorithm", r.lfn2pfnAlgorithm());
        m.put("qos_class", r.qosClass());
        m.put("sign_url", null);
        m.put("verify_checksum", r.verifyChecksum());
        m.put("protocols", protocols.stream().map(RseProtocol::toRucio).toList());
        return m;
    }

    static Map<String, Object> distance(RseDistance d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("src_rse_id", d.sourceRseId());
        m.put("dest_rse_id", d.destRseId());
        m.put("distance", d.distance());
        m.put("ranking", d.distance());
        m.put("created_at", RucioDates.rfc1123(d.createdAt()));
        m.put("updated_at", RucioDates.rfc1123(d.updatedAt()));
        return m;
    }

    /** Rucio's old bitmask: 4 read, 2 write, 1 delete. */
    static int availability(Rse r) {
        return (r.availabilityRead() ? 4 : 0) | (r.availabilityWrite() ? 2 : 0) | (r.availabilityDelete() ? 1 : 0);
    }

    /**
     * The settings of an add or update body: nulls dropped (the client sends unset options as null), and the old
     * {@code availability} bitmask turned into the three flags. Anything else goes to the store, which refuses unknown
     * keys by name.
     */
    static Map<String, Object> settings(Map<String, Object> body) {
        Map<String, Object> settings = new LinkedHashMap<>();
        if (body == null) {
            return settings;
        }
        body.forEach((k, v) -> {
            if (v != null && !k.equals("rse") && !k.equals("vo")) {
                settings.put(k, v);
            }
        });
        Object availability = settings.remove("availability");
        if (availability != null) {
            if (!(availability instanceof Integer bits) || bits < 0 || bits > 7) {
                throw new InvalidObject("'availability' must be a number from 0 to 7 (4 read, 2 write, 1 delete)");
            }
            settings.putIfAbsent("availability_read", (bits & 4) != 0);
            settings.putIfAbsent("availability_write", (bits & 2) != 0);
            settings.putIfAbsent("availability_delete", (bits & 1) != 0);
        }
        return settings;
    }
}

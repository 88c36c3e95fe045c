package org.stevedore.web.did;

import java.util.LinkedHashMap;
import java.util.Map;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.Did;
import org.stevedore.catalog.did.DidType;
import org.stevedore.web.api.RucioDates;

/** DIDs as the Rucio client reads them. */
final class DidDocuments {

    private DidDocuments() {
    }

    /** {@code GET /dids/{scope}/{name}}. */
    static Map<String, Object> did(Did d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", d.scope());
        m.put("name", d.name());
        m.put("type", d.type().name());
        m.put("account", d.account());
        m.put("bytes", d.bytes());
        m.put("length", d.type() == DidType.FILE ? null : d.length());
        m.put("md5", d.md5());
        m.put("adler32", d.adler32());
        if (d.type().isCollection()) {
            m.put("open", d.open());
            m.put("monotonic", d.monotonic());
        }
        m.put("expired_at", RucioDates.rfc1123(d.expiredAt()));
        return m;
    }

    /** {@code GET /dids/{scope}/{name}/meta?plugin=DID_COLUMN}: the stored columns, Rucio's names. */
    static Map<String, Object> columns(Did d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", d.scope());
        m.put("name", d.name());
        m.put("account", d.account());
        m.put("did_type", d.type().name());
        m.put("is_open", d.type().isCollection() ? d.open() : null);
        m.put("monotonic", d.monotonic());
        m.put("obsolete", false);
        m.put("complete", null);
        m.put("availability", "AVAILABLE");
        m.put("suppressed", false);
        m.put("bytes", d.bytes());
        m.put("length", d.length());
        m.put("md5", d.md5());
        m.put("adler32", d.adler32());
        m.put("guid", d.guid());
        m.put("events", d.events());
        m.put("expired_at", RucioDates.rfc1123(d.expiredAt()));
        m.put("closed_at", RucioDates.rfc1123(d.closedAt()));
        m.put("created_at", RucioDates.rfc1123(d.createdAt()));
        m.put("updated_at", RucioDates.rfc1123(d.updatedAt()));
        return m;
    }

    /** A line of {@code GET /dids/{scope}/{name}/dids}. */
    static Map<String, Object> content(AttachmentStore.Content c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", c.scope());
        m.put("name", c.name());
        m.put("type", c.type().name());
        m.put("bytes", c.bytes());
        m.put("adler32", c.adler32());
        m.put("md5", c.md5());
        return m;
    }

    /** A line of {@code GET /dids/{scope}/{name}/files}. */
    static Map<String, Object> file(Did d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", d.scope());
        m.put("name", d.name());
        m.put("bytes", d.bytes());
        m.put("adler32", d.adler32());
        m.put("guid", d.guid());
        m.put("events", d.events());
        return m;
    }

    /** A line of {@code GET /dids/{scope}/{name}/parents}. */
    static Map<String, Object> parent(AttachmentStore.Content c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", c.scope());
        m.put("name", c.name());
        m.put("type", c.type().name());
        return m;
    }

    /** A line of a long search answer. */
    static Map<String, Object> searchResult(Did d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", d.scope());
        m.put("name", d.name());
        m.put("did_type", d.type().name());
        m.put("bytes", d.bytes());
        m.put("length", d.length());
        return m;
    }
}

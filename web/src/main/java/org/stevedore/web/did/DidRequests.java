package org.stevedore.web.did;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/** Request bodies of the DID endpoints, in Rucio's JSON shapes (unknown keys are ignored, as Rucio does). */
final class DidRequests {

    private DidRequests() {
    }

    /** A DID in a list: {@code {"scope": ..., "name": ...}}, with file attributes where a replica is registered. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record DidItem(String scope, String name, String type, Long bytes, String adler32, String md5, String guid,
                   Long events, String pfn, Map<String, Object> meta) {
    }

    /** {@code POST /dids/{scope}/{name}} and the items of {@code POST /dids}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record NewDidBody(String scope, String name, String type, Map<String, Object> statuses, Map<String, Object> meta,
                      Long lifetime, List<DidItem> dids, String rse, Long bytes, String adler32, String md5,
                      String guid, String account) {
    }

    /** {@code POST/DELETE /dids/{scope}/{name}/dids}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record AttachBody(List<DidItem> dids, String rse, Boolean ignore_duplicate) {
    }

    /** One entry of {@code POST /dids/attachments}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record AttachmentItem(String scope, String name, List<DidItem> dids, String rse) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AttachmentsBody(List<AttachmentItem> attachments, Boolean ignore_duplicate) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record StatusBody(Boolean open) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record MetaBody(Map<String, Object> meta) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record MetaValueBody(Object value) {
    }
}

package org.stevedore.web.transfer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.transfer.store.TransferLimit;
import org.stevedore.transfer.store.TransferLimitStore;
import org.stevedore.web.auth.Caller;

/**
 * Transfer limits of a destination RSE (Rucio's {@code transfer_limits}): at most so many transfers, or bytes, in
 * flight towards it, per activity or ({@code activity} left out) for all activities together. Requests over a limit
 * wait (state WAITING) until transfers finish.
 */
@RestController
public class TransferLimitController {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record LimitBody(String activity, @JsonProperty("max_transfers") Long maxTransfers,
                     @JsonProperty("max_bytes") Long maxBytes) {
    }

    private final TransferLimitStore limits;
    private final TransferLimitGateway gateway;

    public TransferLimitController(TransferLimitStore limits, TransferLimitGateway gateway) {
        this.limits = limits;
        this.gateway = gateway;
    }

    @GetMapping({"/rses/{rse}/transfer_limits", "/rses/{rse}/transfer_limits/"})
    public List<Map<String, Object>> list(@PathVariable String rse) {
        return limits.list(rse).stream().map(TransferLimitController::document).toList();
    }

    @PutMapping({"/rses/{rse}/transfer_limits", "/rses/{rse}/transfer_limits/"})
    public Map<String, Object> set(@PathVariable String rse, @RequestBody(required = false) LimitBody body,
                                   Caller caller) {
        if (body == null) {
            throw new InvalidObject("Request body must be {\"activity\": ..., \"max_transfers\": N, \"max_bytes\": N}");
        }
        return document(gateway.set(caller, rse, body.activity(), body.maxTransfers(), body.maxBytes()));
    }

    @DeleteMapping({"/rses/{rse}/transfer_limits", "/rses/{rse}/transfer_limits/"})
    public void delete(@PathVariable String rse, @RequestParam(required = false) String activity, Caller caller) {
        gateway.delete(caller, rse, activity);
    }

    private static Map<String, Object> document(TransferLimit limit) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("rse", limit.rse());
        doc.put("activity", limit.activity());
        doc.put("max_transfers", limit.maxTransfers());
        doc.put("max_bytes", limit.maxBytes());
        return doc;
    }
}

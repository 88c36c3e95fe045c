package org.stevedore.web.bridge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.bridge.store.WebhookDeliveries.Delivery;
import org.stevedore.web.auth.Caller;

/**
 * The webhook deliveries of a bridge task: what was sent, what is waiting for a retry, what failed and why (the
 * HTTP status or the error's class, never what the consumer answered), for the account that registered the task and
 * admins.
 */
@RestController
public class WebhookDeliveryController {

    /** The start of an answer or an error's message, as deliveries recorded before they stopped keeping them. */
    private static final Pattern QUOTED = Pattern.compile("(HTTP \\d{3}|Cannot connect|Connection failed|Sending failed): .*",
            Pattern.DOTALL);

    private final BridgeGateway gateway;

    public WebhookDeliveryController(BridgeGateway gateway) {
        this.gateway = gateway;
    }

    @GetMapping("/bridge/tasks/{taskId}/deliveries")
    public List<Map<String, Object>> of(@PathVariable String taskId, Caller caller) {
        return gateway.deliveries(caller, taskId).stream().map(WebhookDeliveryController::document).toList();
    }

    static Map<String, Object> document(Delivery d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("idempotencyKey", d.key());
        m.put("taskId", d.taskId());
        m.put("jobIds", d.jobIds());
        m.put("fromSeq", d.fromSeq());
        m.put("toSeq", d.toSeq());
        m.put("state", d.state().name());
        m.put("attempts", d.attempts());
        m.put("nextAttemptAt", d.nextAttemptAt() == null ? null : d.nextAttemptAt().toString());
        m.put("lastStatus", d.lastStatus());
        m.put("lastError", d.lastError() == null ? null : QUOTED.matcher(d.lastError()).replaceFirst("$1"));
        m.put("releasedAt", d.releasedAt() == null ? null : d.releasedAt().toString());
        m.put("deliveredAt", d.deliveredAt() == null ? null : d.deliveredAt().toString());
        return m;
    }
}

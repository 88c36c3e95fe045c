package org.stevedore.web.bridge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.store.WebhookDeliveries.Delivery;

/** The webhook deliveries of a bridge task: what was sent, what is waiting for a retry, what failed and why. */
@RestController
public class WebhookDeliveryController {

    private final WebhookDeliveries deliveries;

    public WebhookDeliveryController(WebhookDeliveries deliveries) {
        this.deliveries = deliveries;
    }

    @GetMapping("/bridge/tasks/{taskId}/deliveries")
    public List<Map<String, Object>> of(@PathVariable String taskId) {
        return deliveries.ofTask(taskId).stream().map(WebhookDeliveryController::document).toList();
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
        m.put("lastError", d.lastError());
        m.put("releasedAt", d.releasedAt() == null ? null : d.releasedAt().toString());
        m.put("deliveredAt", d.deliveredAt() == null ? null : d.deliveredAt().toString());
        return m;
    }
}

package org.stevedore.web.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/** GET /instances: the live instances on this store and the partition of each worker they own; admins only. */
class InstanceApiTest extends ApiTest {

    private static final String SELF = DaemonSettings.localHostName() + "|" + ProcessHandle.current().pid();

    @Test
    void listsThisInstanceAndAnotherOneWithTheirPartitionsOfEachWorker() throws Exception {
        // Another instance's poller beats now; a third instance's heartbeat expired an hour ago and does not count.
        store.run("""
                CREATE (:Heartbeat {key: 'conveyor-poller|node-b|977|conveyor-poller-0', executable: 'conveyor-poller',
                        host: 'node-b', pid: 977, thread: 'conveyor-poller-0', started_at: timestamp() - 5000,
                        updated_at: timestamp() + 30000}),
                       (:Heartbeat {key: 'conveyor-poller|node-c|12|conveyor-poller-0', executable: 'conveyor-poller',
                        host: 'node-c', pid: 12, thread: 'conveyor-poller-0', started_at: 0,
                        updated_at: timestamp() - 3600000})
                """, Map.of());
        List<Object> instances = List.of();
        for (int i = 0; i < 100; i++) {
            var r = api.get("/instances");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            instances = ApiClient.jsonList(r);
            if (instances.stream().anyMatch(x -> SELF.equals(map(x).get("instance")) && pollerOf(map(x)) != null)) {
                break;
            }
            Thread.sleep(200);
        }

        assertThat(instances).extracting(x -> map(x).get("instance")).containsExactlyInAnyOrder(SELF, "node-b|977");
        Map<String, Object> self = instances.stream().map(ApiTest::map).filter(x -> SELF.equals(x.get("instance")))
                .findFirst().orElseThrow();
        Map<String, Object> other = instances.stream().map(ApiTest::map).filter(x -> !SELF.equals(x.get("instance")))
                .findFirst().orElseThrow();
        assertThat(self).containsEntry("self", true).containsEntry("host", DaemonSettings.localHostName())
                .containsKeys("started_at", "last_heartbeat");
        assertThat(other).containsEntry("self", false).containsEntry("host", "node-b").containsEntry("pid", 977);
        // Two live pollers split the jobs: one partition each, of two.
        Map<String, Object> mine = pollerOf(self);
        Map<String, Object> theirs = pollerOf(other);
        assertThat(mine).containsEntry("partition_count", 2);
        assertThat(theirs).containsEntry("partition_count", 2).containsEntry("thread", "conveyor-poller-0");
        assertThat(List.of(mine.get("partition_index"), theirs.get("partition_index"))).containsExactlyInAnyOrder(0, 1);
        assertThat(workers(self)).extracting(w -> w.get("executable")).contains("conveyor-submitter");
    }

    @Test
    void otherAccountsAreRefused() {
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS", "password",
                "pw-jdoe-123"));
        ApiClient jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        assertError(jdoe.get("/instances"), 403, "AccessDenied", "list_heartbeats");
    }

    /** The other instances' heartbeats must not outlive the test: the shared application would split its work. */
    @AfterEach
    void removeTheOtherInstances() {
        store.run("MATCH (h:Heartbeat) WHERE h.host IN ['node-b', 'node-c'] DELETE h", Map.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> workers(Map<String, Object> instance) {
        return ((List<Object>) instance.get("workers")).stream().map(ApiTest::map).toList();
    }

    private static Map<String, Object> pollerOf(Map<String, Object> instance) {
        return workers(instance).stream().filter(w -> "conveyor-poller".equals(w.get("executable"))).findFirst()
                .orElse(null);
    }
}

package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.LockAudit;
import org.stevedore.rules.workers.LockAuditor;
import org.stevedore.transfer.store.RequestQueue;

/** The lock audit finds REPLICATING locks without a live request, and its worker says so in the log. */
class LockAuditTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private RuleFixture f;
    private LockAuditor auditor;
    private String rule;

    @BeforeEach
    void grid() {
        f = new RuleFixture(store, clock, 10_000);
        f.rse("SRC", Map.of());
        f.rse("DST", Map.of());
        f.dataset("ds", 3, 10, "SRC");
        rule = f.service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "DST"), "jdoe").get(0);
        auditor = new LockAuditor(new LockAudit(store, new RequestQueue()), clock, Duration.ofMinutes(5), 10);
        logged.start();
        ((Logger) LoggerFactory.getLogger(LockAuditor.class)).addAppender(logged);
    }

    @AfterEach
    void detach() {
        ((Logger) LoggerFactory.getLogger(LockAuditor.class)).detachAppender(logged);
    }

    @Test
    void locksWithLiveRequestsAreNoBreach() {
        assertThat(auditor.audit(Partition.whole())).isEmpty();
        store.write(tx -> tx.run("MATCH (q:Request) SET q.state = 'SUBMITTED'").consume());
        clock.advance(Duration.ofMinutes(5));
        assertThat(auditor.audit(Partition.whole())).isEmpty();
        assertThat(logged.list).isEmpty();
    }

    @Test
    void aReplicatingLockWhoseRequestEndedOrWentIsReportedInTheLog() {
        String dst = f.rses.get("DST").id();
        store.write(tx -> tx.run("""
                MATCH (q:Request {key: 's:ds.f0|' + $dst}) SET q.state = 'FAILED'
                WITH count(q) AS n
                MATCH (q:Request {key: 's:ds.f1|' + $dst}) DELETE q
                """, Map.of("dst", dst)).consume());

        assertThat(auditor.audit(Partition.whole())).containsExactly(
                new LockAudit.Breach(rule, "s:ds.f0", dst), new LockAudit.Breach(rule, "s:ds.f1", dst));
        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).contains("2 REPLICATING lock(s)").contains("s:ds.f0")
                    .contains("s:ds.f1");
            assertThat(e.getLevel().toString()).isEqualTo("WARN");
        });

        // Not again before its interval, then again.
        assertThat(auditor.audit(Partition.whole())).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(auditor.audit(Partition.whole())).hasSize(2);
        // Another partition's rules are not this one's.
        clock.advance(Duration.ofMinutes(5));
        long bucket = f.count("MATCH (r:Rule) RETURN r.hash_bucket");
        assertThat(auditor.audit(new Partition((int) ((bucket + 1) % 2), 2))).isEmpty();
    }
}

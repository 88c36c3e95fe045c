package org.stevedore.transfer.conveyor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Instances;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseWithAttributes;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestClaims.Claimed;
import org.stevedore.transfer.store.RequestClaims.Source;
import org.stevedore.transfer.store.RequestStore;
import org.stevedore.transfer.tool.SubmittedJob;
import org.stevedore.transfer.tool.TapeStaging;
import org.stevedore.transfer.tool.TransferFile;
import org.stevedore.transfer.tool.TransferJob;
import org.stevedore.transfer.tool.TransferTool;
import org.stevedore.transfer.tool.TransferToolException;

/**
 * Claims QUEUED requests of its partition, picks each one's source (the rule's source expression, readable RSEs only,
 * sources that have not failed this request before, disk before tape, then the shortest distance), groups them by
 * link and tool, and submits one job per link. A job from a tape source asks for the files to be brought online
 * first ({@code bring_online}, {@code copy_pin_lifetime}); a STAGEIN request (its destination is the staging area of
 * a tape system) with a tape source becomes a staging-only job, whose destination is its source. A request without a
 * source, or whose submission failed, goes back to the queue with the reason, for a while (so that it does not come
 * first in every claim and hold the rest back). Requests a transfer limit covers are held back by the claim (WAITING)
 * until the {@link Throttler} releases them. The jobs the tools took in a cycle are recorded in one transaction at its
 * end (requests SUBMITTED, one {@code TransferJob} each for the poller).
 */
public final class Submitter implements Worker {

    private static final Logger log = LoggerFactory.getLogger(Submitter.class);

    private final RequestClaims requests;
    private final RseStore rses;
    private final RseProtocolStore protocols;
    private final TransferTools tools;
    private final Function<String, List<Rse>> resolver;
    private final int batch;
    private final TapeStaging tapeStaging;
    private final Duration requeueDelay;
    private final Instances instances;

    /** With {@link #DEFAULT_TAPE_STAGING} for tape sources. */
    public Submitter(RequestClaims requests, RseStore rses, RseProtocolStore protocols, TransferTools tools,
                     Function<String, List<Rse>> resolver, int batch) {
        this(requests, rses, protocols, tools, resolver, batch, DEFAULT_TAPE_STAGING);
    }

    /**
     * @param tapeStaging what jobs from a tape source ask for: how long the recall may take, how long the recalled
     *                    copy stays pinned
     */
    public Submitter(RequestClaims requests, RseStore rses, RseProtocolStore protocols, TransferTools tools,
                     Function<String, List<Rse>> resolver, int batch, TapeStaging tapeStaging) {
        this(requests, rses, protocols, tools, resolver, batch, tapeStaging, DEFAULT_REQUEUE_DELAY);
    }

    /**
     * @param requeueDelay how long a request that could not be submitted (no readable source, no tool, the tool
     *                     refused or was unreachable) waits before it is claimed again
     */
    public Submitter(RequestClaims requests, RseStore rses, RseProtocolStore protocols, TransferTools tools,
                     Function<String, List<Rse>> resolver, int batch, TapeStaging tapeStaging,
                     Duration requeueDelay) {
        this(requests, rses, protocols, tools, resolver, batch, tapeStaging, requeueDelay, null);
    }

    /**
     * @param instances this instance among those sharing the store: requests for a tool whose jobs live in one
     *                  instance's memory are marked as this instance's before they go to it, so that a submitter
     *                  whose partition overlaps this one's (for a cycle, when an instance starts or dies) does not
     *                  copy them too; null for a service that runs alone
     */
    public Submitter(RequestClaims requests, RseStore rses, RseProtocolStore protocols, TransferTools tools,
                     Function<String, List<Rse>> resolver, int batch, TapeStaging tapeStaging,
                     Duration requeueDelay, Instances instances) {
        this.instances = instances;
        if (requeueDelay.isNegative()) {
            throw new IllegalArgumentException("requeueDelay must not be negative, not " + requeueDelay);
        }
        this.requeueDelay = requeueDelay;
        this.tapeStaging = java.util.Objects.requireNonNull(tapeStaging, "tapeStaging");
        this.requests = requests;
        this.rses = rses;
        this.protocols = protocols;
        this.tools = tools;
        this.resolver = resolver;
        this.batch = batch;
    }

    @Override
    public String executable() {
        return "conveyor-submitter";
    }

    /** A minute before a request that could not be submitted is claimed again. */
    public static final Duration DEFAULT_REQUEUE_DELAY = Duration.ofMinutes(1);

    /** Seven days to bring a file online (FTS's own default; shorter values fail on busy tape systems), 2 days' pin. */
    public static final TapeStaging DEFAULT_TAPE_STAGING = new TapeStaging(Duration.ofDays(7), Duration.ofDays(2));

    private static final String TAPE = "TAPE";

    /** What one job shares: FTS3's {@code overwrite} is a job parameter, so recovery copies go in jobs of their own. */
    private record Link(String host, String source, String destination, boolean tape, boolean overwrite) {
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        List<Claimed> claimed = requests.claim(partition, batch);
        if (claimed.isEmpty()) {
            return WorkResult.nothing();
        }
        Map<String, RseWithAttributes> byName = new LinkedHashMap<>();
        rses.listWithAttributes().forEach(r -> byName.put(r.rse().rse(), r));
        Map<String, List<RseProtocol>> protocolsByRse = protocols.listByRse(byName.keySet());
        Map<Link, List<TransferFile>> jobs = new TreeMap<>(Comparator.comparing(Link::host)
                .thenComparing(Link::source).thenComparing(Link::destination).thenComparing(Link::overwrite));
        Map<String, String> sourceOf = new LinkedHashMap<>();
        Map<String, String> attemptOf = new HashMap<>();
        List<String> noSource = new ArrayList<>();
        List<String> noTool = new ArrayList<>();
        for (Claimed c : claimed) {
            RseWithAttributes dest = byName.get(c.destRse());
            Source source = best(c, c.sources());
            RseProtocol write = dest == null ? null : RseProtocol.best(protocolsByRse.get(c.destRse()), RseProtocol::writeWan);
            RseProtocol read = source == null ? null : RseProtocol.best(protocolsByRse.get(source.rse()), RseProtocol::readWan);
            if (source == null || read == null || source.path() == null) {
                noSource.add(c.key());
                continue;
            }
            var host = dest == null ? java.util.Optional.<String>empty() : tools.hostFor(dest.attributes().get("fts"));
            if (host.isEmpty() || write == null || c.destPath() == null) {
                noTool.add(c.key());
                continue;
            }
            boolean tape = TAPE.equals(source.rseType());
            String sourcePfn = Lfn2Pfn.pfn(read, source.path());
            // Rucio's STAGEIN: the staging area is the tape system's own disk buffer, so recalling is the whole job.
            String destPfn = tape && STAGEIN.equals(c.requestType()) ? sourcePfn : Lfn2Pfn.pfn(write, c.destPath());
            TransferFile file = new TransferFile(c.key(), List.of(sourcePfn), destPfn, c.bytes(), c.adler32(),
                    c.activity() == null ? RequestStore.DEFAULT_ACTIVITY : c.activity(), c.priority());
            jobs.computeIfAbsent(new Link(host.get(), source.rse(), c.destRse(), tape, c.overwrite()), l -> new ArrayList<>()).add(file);
            sourceOf.put(c.key(), source.rse());
            // The request's id changes when an ended request is revived (a new attempt with all its retries, e.g. a
            // recovery copy of the same file to the same RSE): its job must not be taken for the ended one's.
            attemptOf.put(c.key(), c.id() + "#" + c.retryCount());
        }
        if (!noSource.isEmpty()) {
            requests.requeue(noSource, "No readable AVAILABLE source replica", requeueDelay);
        }
        if (!noTool.isEmpty()) {
            requests.requeue(noTool, "No transfer tool or write protocol for the destination", requeueDelay);
        }
        // The jobs the tool took are recorded together at the end of the cycle, one transaction, not one per job. A
        // crash before that leaves their requests QUEUED; the next claim finds them in the same order, and the
        // resubmission of the same job id is recognised by the tool (FTS answers 409) rather than run twice.
        List<Map<String, Object>> rows = new ArrayList<>();
        try {
            for (Map.Entry<Link, List<TransferFile>> e : jobs.entrySet()) {
                submit(e.getKey(), e.getValue(), sourceOf, attemptOf, rows);
            }
        } finally {
            if (!rows.isEmpty()) {
                requests.submitted(rows);
            }
        }
        return WorkResult.of(rows.size());
    }

    private void submit(Link link, List<TransferFile> files, Map<String, String> sourceOf,
                        Map<String, String> attemptOf, List<Map<String, Object>> rows) {
        TransferTool tool = tools.tool(link.host()).orElseThrow();
        if (tool.owner() != null && instances != null) {
            Set<String> mine = new HashSet<>(requests.markSubmitting(files.stream().map(TransferFile::requestId)
                    .toList(), instances.self().key(), instances.liveKeys(), instances.timeout()));
            if (mine.size() < files.size()) {
                log.info("{} of {} request(s) {} -> {} are being submitted by another instance; left to it",
                        files.size() - mine.size(), files.size(), link.source(), link.destination());
                files = files.stream().filter(f -> mine.contains(f.requestId())).toList();
            }
            if (files.isEmpty()) {
                return;
            }
        }
        String id = jobId(link, files, attemptOf);
        TransferJob job = new TransferJob(id, link.source(), link.destination(), files,
                link.tape() ? tapeStaging : null, true, link.overwrite());
        try {
            for (SubmittedJob s : tool.submit(List.of(job))) {
                for (String key : s.requestIds()) {
                    Map<String, Object> row = new HashMap<>();
                    row.put("key", key);
                    row.put("job", s.jobId());
                    row.put("host", s.externalHost());
                    row.put("source", sourceOf.get(key));
                    // The in-process tool's jobs belong to this instance: no other poller may take them for lost.
                    row.put("owner", tool.owner());
                    rows.add(row);
                }
            }
            log.info("Submitted job {} on {}: {} file(s) {} -> {}", job.id(), link.host(), files.size(),
                    link.source(), link.destination());
        } catch (TransferToolException ex) {
            requests.requeue(files.stream().map(TransferFile::requestId).toList(),
                    "Submission to " + link.host() + " failed: " + ex.getMessage(), requeueDelay);
            log.warn("Submission of {} file(s) {} -> {} failed: {}", files.size(), link.source(),
                    link.destination(), ex.getMessage());
        }
    }

    private static final String STAGEIN = "STAGEIN";

    /**
     * Sources that have not failed this request before, then disk before tape, then the shortest distance, then the
     * name: the same answer every time. A source that failed is still taken when it is the only one left.
     */
    private Source best(Claimed c, List<Source> candidates) {
        Set<String> allowed = null;
        if (c.sourceReplicaExpression() != null) {
            allowed = new HashSet<>();
            for (Rse r : resolver.apply(c.sourceReplicaExpression())) {
                allowed.add(r.id());
            }
        }
        Set<String> permitted = allowed;
        return candidates.stream()
                .filter(s -> permitted == null || permitted.contains(s.rseId()))
                .min(Comparator.comparing((Source s) -> c.failedSources().contains(s.rse()))
                        .thenComparing(s -> TAPE.equals(s.rseType()))
                        .thenComparing(s -> s.distance() == null ? Integer.MAX_VALUE : s.distance())
                        .thenComparing(Source::rse))
                .orElse(null);
    }

    /**
     * Stable for the same requests on the same link at the same attempt (each request's id and retry count), so a
     * resubmission after a timeout is recognised; a retry after a failure, or a request revived after it ended, is a
     * new job, even with the same files over the same link, rather than the finished one FTS would answer 409 for.
     */
    static String jobId(Link link, List<TransferFile> files, Map<String, String> attemptOf) {
        StringBuilder b = new StringBuilder(link.host()).append('|').append(link.source()).append('|')
                .append(link.destination()).append(link.overwrite() ? "|overwrite" : "");
        files.stream().map(TransferFile::requestId).sorted()
                .forEach(k -> b.append('|').append(k).append('#').append(attemptOf.getOrDefault(k, "")));
        return UUID.nameUUIDFromBytes(b.toString().getBytes(StandardCharsets.UTF_8)).toString();
    }
}

package org.stevedore.tape.rest;

import java.util.List;
import java.util.Optional;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.tape.endpoint.ArchiveInfo;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.StagedFile;
import org.stevedore.tape.endpoint.TapeEndpoint;

/**
 * A tape RSE's endpoint as the campaigns and the pin releaser see it: they speak of replica paths (relative to the
 * RSE's protocol prefix, as the catalog stores them); the tape system knows its files by their site path, the path
 * part of the replica's URL under the RSE's protocol ({@code /pnfs/jinr.ru/data/run8/ab/cd/f.raw} for the replica
 * {@code run8/ab/cd/f.raw} behind {@code davs://se.jinr.ru:2880/pnfs/jinr.ru/data}). That is what gfal2, and so FTS,
 * sends to the Tape REST API when it stages the same replica: the URL's path with repeated slashes collapsed, not the
 * whole URL. Going out, replica paths become site paths; coming back, site paths under the prefix become replica paths
 * again (others are passed on as they are, and match nothing).
 */
public final class SitePathEndpoint implements TapeEndpoint {

    private final TapeEndpoint delegate;
    private final String sitePrefix;

    /** @param sitePrefix the site path of the protocol's root, starting and ending with '/' */
    public SitePathEndpoint(TapeEndpoint delegate, String sitePrefix) {
        this.delegate = delegate;
        this.sitePrefix = collapse("/" + sitePrefix + "/");
    }

    /** Through the RSE's protocol: its PFN of an empty path, without scheme and host. */
    public static SitePathEndpoint under(TapeEndpoint delegate, RseProtocol protocol) {
        return new SitePathEndpoint(delegate, sitePath(protocol, ""));
    }

    /** The site path of a replica path under a protocol. */
    public static String sitePath(RseProtocol protocol, String replicaPath) {
        String pfn = Lfn2Pfn.pfn(protocol, replicaPath);
        String rest = pfn.substring(pfn.indexOf("://") + 3);
        int sfn = rest.indexOf("?SFN=");
        String path = sfn >= 0 ? rest.substring(sfn + 5) : rest.substring(Math.max(0, rest.indexOf('/')));
        return collapse("/" + path);
    }

    public TapeEndpoint delegate() {
        return delegate;
    }

    public String sitePrefix() {
        return sitePrefix;
    }

    String toSite(String replicaPath) {
        return collapse(sitePrefix + replicaPath);
    }

    String toReplica(String sitePath) {
        String path = collapse(sitePath);
        return path.startsWith(sitePrefix) ? path.substring(sitePrefix.length()) : sitePath;
    }

    private List<String> toSite(List<String> replicaPaths) {
        return replicaPaths.stream().map(this::toSite).toList();
    }

    @Override
    public String stage(List<StageFile> files) {
        return delegate.stage(files.stream().map(f -> new StageFile(toSite(f.path()), f.diskLifetime())).toList());
    }

    @Override
    public String stage(String submitId, List<StageFile> files) {
        return delegate.stage(submitId, files.stream().map(f -> new StageFile(toSite(f.path()), f.diskLifetime()))
                .toList());
    }

    @Override
    public Optional<String> findStageRequest(String submitId) {
        return delegate.findStageRequest(submitId);
    }

    @Override
    public int maxFilesPerStage() {
        return delegate.maxFilesPerStage();
    }

    @Override
    public StageRequestStatus status(String requestId) {
        StageRequestStatus s = delegate.status(requestId);
        return new StageRequestStatus(s.id(), s.createdAt(), s.startedAt(), s.completedAt(), s.files().stream()
                .map(f -> new StagedFile(toReplica(f.path()), f.onDisk(), f.state(), f.error())).toList());
    }

    @Override
    public void cancel(String requestId, List<String> paths) {
        delegate.cancel(requestId, toSite(paths));
    }

    @Override
    public void release(String requestId, List<String> paths) {
        delegate.release(requestId, toSite(paths));
    }

    @Override
    public void forget(String requestId) {
        delegate.forget(requestId);
    }

    @Override
    public List<ArchiveInfo> archiveInfo(List<String> paths) {
        return delegate.archiveInfo(toSite(paths)).stream()
                .map(a -> new ArchiveInfo(toReplica(a.path()), a.locality(), a.error())).toList();
    }

    private static String collapse(String path) {
        return path.replaceAll("/{2,}", "/");
    }
}

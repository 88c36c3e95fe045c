package org.stevedore.tape.store;

/**
 * One file of a campaign. {@code tapeRse} and {@code path} say where it is read from (null when it has no replica on a
 * tape RSE, in which case it failed at expansion); files are staged in (tape RSE, path) order. {@code submitId} is the
 * campaign's own id of the stage request the file went into (recorded before the call, see {@link StageSubmissions}),
 * {@code requestId} the endpoint's (recorded after it).
 */
public record CampaignFile(String key, String didKey, String scope, String name, long bytes, String tapeRse,
                           String path, CampaignFileState state, String requestId, String reason, String submitId) {

    public CampaignFile(String key, String didKey, String scope, String name, long bytes, String tapeRse, String path,
                        CampaignFileState state, String requestId, String reason) {
        this(key, didKey, scope, name, bytes, tapeRse, path, state, requestId, reason, null);
    }
}

package org.stevedore.tape.store;

/**
 * One file of a campaign. {@code tapeRse} and {@code path} say where it is read from (null when it has no replica on a
 * tape RSE, in which case it failed at expansion); files are staged in (tape RSE, path) order.
 */
public record CampaignFile(String key, String didKey, String scope, String name, long bytes, String tapeRse,
                           String path, CampaignFileState state, String requestId, String reason) {
}

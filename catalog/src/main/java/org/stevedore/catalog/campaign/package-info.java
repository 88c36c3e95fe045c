/**
 * Pre-staging campaigns as stored: {@code (:Campaign)} with its parameters and counters moved by deltas, and one
 * {@code (:CampaignFile)} per file to bring back from tape, whose state and stage request id are written in one
 * transaction so that a restarted campaign never asks for a file twice.
 */
package org.stevedore.catalog.campaign;

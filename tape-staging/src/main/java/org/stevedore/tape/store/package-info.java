/**
 * The tape side's own store. Pre-staging campaigns: {@code (:Campaign)} with its parameters and counters moved by
 * deltas, and one {@code (:CampaignFile)} per file to bring back from tape, whose state and stage request id are
 * written in one transaction so that a restarted campaign never asks for a file twice. Pins of staged replicas on
 * tape RSEs: which stage request holds each replica's disk copy, and until when its rules need it.
 */
package org.stevedore.tape.store;

/**
 * One interface for a tape system's disk buffer, shaped after the WLCG Tape REST API v1: bulk stage with a disk
 * lifetime, polling by request, cancel, release, forget, and archive information. The production implementation
 * speaks the real protocol; the embedded default implements it with an emulator.
 */
package org.stevedore.tape.endpoint;

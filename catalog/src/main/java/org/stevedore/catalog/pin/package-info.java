/**
 * Pins of staged replicas on tape RSEs: which stage request holds each replica's disk copy, and until when its
 * rules need it.
 */
package org.stevedore.catalog.pin;

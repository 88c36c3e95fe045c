/**
 * Recall from tape: the WLCG Tape REST API client, the emulated tape of the embedded default, pins, and the Spring
 * Batch pre-staging campaigns that share tape endpoints by priority.
 */
package org.stevedore.tape;

/**
 * The contract with the workload layer: tasks and their jobs, the release gate (a job is released only when every
 * input file has an AVAILABLE replica on a disk RSE of its task), reference-counted pins with leases, cursor feeds
 * and webhooks.
 */
package org.stevedore.bridge;

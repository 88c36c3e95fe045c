package org.stevedore.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time of the whole JVM (service, embedded server, JIT and GC threads). On a machine shared with other work the
 * wall-clock rates move with the neighbours' load; files per CPU-second does much less, so both are reported.
 */
final class CpuClock {

    private CpuClock() {
    }

    static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}

package org.stevedore.catalog.daemon;

/**
 * One process of the service, as its heartbeats name it: the {@code host} and {@code pid} every {@link WorkerId} of
 * that process carries. Work that lives in a process's memory (an in-process copy, a running campaign) records its
 * instance's {@link #key()} as its owner, so that the other instances leave it alone while that process beats and
 * take it over once it has stopped.
 */
public record Instance(String host, long pid) {

    public Instance {
        // The same rules as a worker's parts, so that an instance key never collides with another.
        new WorkerId("instance", host, pid, "instance");
    }

    /** This process, named as {@link DaemonSettings#defaults()} names its daemons. */
    public static Instance current() {
        return new Instance(DaemonSettings.localHostName(), ProcessHandle.current().pid());
    }

    /** The instance whose daemons run with {@code settings}. */
    public static Instance of(DaemonSettings settings) {
        return new Instance(settings.host(), settings.pid());
    }

    /** The instance a worker belongs to. */
    public static Instance of(WorkerId worker) {
        return new Instance(worker.host(), worker.pid());
    }

    /** {@code host|pid}: what owners are recorded as. */
    public String key() {
        return host + "|" + pid;
    }
}

package org.stevedore.catalog.daemon;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * How a {@link Daemon} paces its workers and how it names itself in heartbeats. {@code host} and {@code pid} default
 * to this machine and process; a deployment may set {@code host} to something more telling (a pod name).
 *
 * @param idleSleep   wait after a cycle that found nothing to do; must stay below the heartbeat timeout
 * @param backoff     waits after failed cycles; its max must stay below the heartbeat timeout
 * @param stopTimeout how long {@link Daemon#stop()} waits for a cycle in progress before interrupting it
 */
public record DaemonSettings(Duration idleSleep, Backoff backoff, Duration stopTimeout, String host, long pid) {

    public DaemonSettings {
        if (idleSleep.isNegative()) {
            throw new IllegalArgumentException("idle sleep must not be negative, got " + idleSleep);
        }
        if (stopTimeout.isNegative()) {
            throw new IllegalArgumentException("stop timeout must not be negative, got " + stopTimeout);
        }
    }

    /** 10 s idle sleep, 1 s to 30 s back-off, 30 s to stop, this host and process. */
    public static DaemonSettings defaults() {
        return new DaemonSettings(Duration.ofSeconds(10), new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)),
                Duration.ofSeconds(30), localHostName(), ProcessHandle.current().pid());
    }

    public DaemonSettings withIdleSleep(Duration value) {
        return new DaemonSettings(value, backoff, stopTimeout, host, pid);
    }

    public DaemonSettings withBackoff(Backoff value) {
        return new DaemonSettings(idleSleep, value, stopTimeout, host, pid);
    }

    public DaemonSettings withStopTimeout(Duration value) {
        return new DaemonSettings(idleSleep, backoff, value, host, pid);
    }

    public DaemonSettings withHost(String value) {
        return new DaemonSettings(idleSleep, backoff, stopTimeout, value, pid);
    }

    /** The name heartbeats record by default: the resolved host name, else $HOSTNAME, else "localhost". */
    public static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }
}

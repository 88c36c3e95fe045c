package org.stevedore.bridge.gate;

import java.util.List;
import org.stevedore.bridge.store.ReleaseStore.Released;

/** Hears of released jobs after the release committed (long-polls waiting, the webhook sender). Must return quickly. */
@FunctionalInterface
public interface ReleaseListener {
    void released(List<Released> released);
}

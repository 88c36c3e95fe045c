package org.stevedore.catalog.testing;

import org.junit.jupiter.api.BeforeEach;
import org.stevedore.catalog.store.Store;

/** Base of tests against the real embedded Neo4j: the shared store, emptied before each test. */
public abstract class StoreTest {

    protected final Store store = SharedStore.get();

    @BeforeEach
    void emptyTheStore() {
        SharedStore.clean(store);
    }
}

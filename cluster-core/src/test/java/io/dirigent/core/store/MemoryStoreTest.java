package io.dirigent.core.store;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.TestNodes;

/** The store contract on the in-memory journal. */
class MemoryStoreTest extends StoreContract {

  @Override
  protected ClusterNode startNode() {
    return TestNodes.memory();
  }
}

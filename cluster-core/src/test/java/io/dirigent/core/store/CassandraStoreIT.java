package io.dirigent.core.store;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.Cassandra;
import io.dirigent.core.testing.TestNodes;

/**
 * The store contract on a real Cassandra 5, which the suite starts itself through
 * {@code bin/cassandra}; each run uses a keyspace of its own.
 */
class CassandraStoreIT extends DurableStoreContract {

  private final String keyspace = "dirigent_it_" + Long.toString(System.currentTimeMillis(), 36);

  @Override
  protected ClusterNode startNode() {
    Cassandra.ensureRunning();
    return TestNodes.cassandra(keyspace);
  }
}

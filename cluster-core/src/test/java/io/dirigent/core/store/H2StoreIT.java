package io.dirigent.core.store;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.TestNodes;
import java.nio.file.Files;
import java.nio.file.Path;

/** The store contract on the embedded H2 journal, in a data directory of its own. */
class H2StoreIT extends DurableStoreContract {

  private Path dataDir;

  @Override
  protected ClusterNode startNode() throws Exception {
    if (dataDir == null) {
      dataDir = Files.createTempDirectory(Path.of("target"), "h2-store-");
    }
    return TestNodes.h2(dataDir.toAbsolutePath());
  }
}

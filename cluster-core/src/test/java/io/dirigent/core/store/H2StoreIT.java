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

  @org.junit.jupiter.api.Test
  void theJournalsFilesAreReadableByTheirOwnerOnly() throws Exception {
    Path store = dataDir.resolve("store");
    org.assertj.core.api.Assertions.assertThat(permissions(store)).isEqualTo("rwx------");
    try (var files = Files.list(store)) {
      java.util.List<Path> regular = files.filter(Files::isRegularFile).toList();
      org.assertj.core.api.Assertions.assertThat(regular).isNotEmpty()
          .allSatisfy(file -> org.assertj.core.api.Assertions.assertThat(permissions(file)).as(file.toString()).isEqualTo("rw-------"));
    }
  }

  private static String permissions(Path path) {
    try {
      return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

package io.dirigent.core.store;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.Await;
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

  @org.junit.jupiter.api.Test
  void aSecretsValueIsNowhereInTheJournalsFilesWhileAConfigMapsIs() throws Exception {
    String ns = namespace();
    String secretValue = java.util.Base64.getEncoder().encodeToString(("secret-" + java.util.UUID.randomUUID()).getBytes());
    String plainValue = "plain-" + java.util.UUID.randomUUID();
    Await.result(store.create(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("s").withNamespace(ns).endMetadata()
        .addToData("key", secretValue).build()));
    Await.result(store.create(configMap(ns, "c", java.util.Map.of(), plainValue)));
    node.close();
    // The other tests of the class go on with a member on the same data.
    node = startNode();
    store = node.store();
    byte[] secret = secretValue.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] plain = plainValue.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    boolean plainFound = false;
    try (var files = Files.walk(dataDir.resolve("store"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] content = Files.readAllBytes(file);
        org.assertj.core.api.Assertions.assertThat(indexOf(content, secret)).as(file + " holds the secret").isEqualTo(-1);
        plainFound |= indexOf(content, plain) >= 0;
      }
    }
    // The same search finds what is not encrypted: it would have found the secret.
    org.assertj.core.api.Assertions.assertThat(plainFound).as("the ConfigMap's value in the journal").isTrue();
    org.assertj.core.api.Assertions.assertThat(permissions(dataDir.resolve("pki/encryption.keys"))).isEqualTo("rw-------");
  }

  private static int indexOf(byte[] content, byte[] wanted) {
    outer:
    for (int i = 0; i + wanted.length <= content.length; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (content[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String permissions(Path path) {
    try {
      return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

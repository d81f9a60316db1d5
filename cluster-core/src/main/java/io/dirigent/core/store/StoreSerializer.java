package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.crypto.EncryptionKeys;
import io.dirigent.core.crypto.Sealing;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;

/**
 * How an object's journal entries and snapshots are written: Jackson CBOR, as every other
 * message, and for the kinds in {@code dirigent.store.encryption.resources} (Secrets by default)
 * sealed with AES-256-GCM under the cluster's key ({@link Sealing}), as Kubernetes'
 * EncryptionConfiguration encrypts them in etcd. Entries written before, in plain CBOR, still
 * read.
 */
public final class StoreSerializer extends SerializerWithStringManifest {

  private static final int IDENTIFIER = 731_001;

  private final JacksonCborSerializer cbor;
  private final Sealing sealing;
  /** {@code apiVersion/kind} of the kinds sealed. */
  private final Set<String> sealedKinds = new HashSet<>();

  public StoreSerializer(ExtendedActorSystem system) {
    this.cbor = new JacksonCborSerializer(system, "jackson-cbor");
    Config config = system.settings().config().getConfig("dirigent.store.encryption");
    ResourceRegistry registry = ResourceRegistry.builtin();
    for (String resource : config.getStringList("resources")) {
      ResourceType type = registry.byResource(resource).orElseThrow(() -> new IllegalArgumentException(
          "dirigent.store.encryption.resources names \"" + resource + "\", which is no resource this server has"));
      sealedKinds.add(type.apiVersion() + "/" + type.kind());
    }
    try {
      this.sealing = new Sealing(EncryptionKeys.loadOrCreate(Path.of(config.getString("key-file"))));
    } catch (IOException e) {
      throw new IllegalStateException("the store's encryption keys cannot be read: " + e.getMessage(), e);
    }
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return cbor.manifest(o);
  }

  @Override
  public byte[] toBinary(Object o) {
    byte[] plain = cbor.toBinary(o);
    return sealed(o) ? sealing.seal(plain, manifest(o)) : plain;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    return cbor.fromBinary(Sealing.isSealed(bytes) ? sealing.open(bytes, manifest) : bytes, manifest);
  }

  private boolean sealed(Object o) {
    ObjectNode object = o instanceof ObjectEntity.Changed changed ? changed.object()
        : o instanceof ObjectEntity.State state ? state.latest() : null;
    return object != null && sealedKinds.contains(object.path("apiVersion").asText() + "/" + object.path("kind").asText());
  }
}
